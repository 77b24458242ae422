// Completion-time distributions for async tasks, shared by the mock's process (servers/mock.mjs) and
// the benchmark: a task's delay is a pure function of its amount, so both sides know when it completes.
//   fixed:<ms>                       every task after <ms>
//   uniform:<min>:<max>              uniform in [min, max]
//   lognormal:<median>:<p99>:<cap>   log-normal with that median and 99th percentile, truncated at cap
// Amount k maps to the quantile u = frac(k·0.618…) (a golden-ratio sequence): any run of consecutive
// amounts covers (0, 1) evenly, so n tasks sample the distribution without random clumps.

const PHI = 0.6180339887498949;
export const quantileOf = (amount) => (amount * PHI) % 1 || 0.5;

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p) {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** The delay function (amount → ms) of a DELAY spec. */
export function delayFunction(spec) {
  const [kind, ...args] = String(spec).split(":");
  const [x, y, z] = args.map(Number);
  if (kind === "fixed" && x >= 0) return () => x;
  if (kind === "uniform" && x >= 0 && y >= x) return (amount) => Math.round(x + quantileOf(amount) * (y - x));
  if (kind === "lognormal" && x > 0 && y > x && z > 0) {
    const sigma = Math.log(y / x) / normalQuantile(0.99);
    return (amount) => Math.round(Math.min(z, x * Math.exp(sigma * normalQuantile(quantileOf(amount)))));
  }
  throw new Error(
    `bad DELAY spec ${spec}: fixed:<ms> | uniform:<min>:<max> | lognormal:<median>:<p99>:<cap>`,
  );
}
