// Statistics: medians and spreads over rounds, percentiles over samples.
export const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Nearest-rank percentile (p in 0–100). */
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : Number.NaN;
};

export const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** The median of per-round values with their min and max: what every ratio in BENCHMARKS.md is judged on. */
export function spread(values) {
  const finite = values.filter(Number.isFinite);
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    rounds: values,
  };
}

/**
 * Runs every variant once per round, in a rotating order (round r starts at variant r), so that no
 * variant always gets the warmer or quieter slot. Returns each variant's per-round results.
 */
export async function interleaved(names, rounds, measureOne) {
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      runs[name][r] = await measureOne(name, r);
    }
  }
  return runs;
}

/** Per-round ratio a/b of a field, paired by round, as a spread. */
export const ratioSpread = (aRuns, bRuns, pick) => spread(aRuns.map((a, i) => pick(a) / pick(bRuns[i])));
