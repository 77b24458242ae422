// Mock gateway against the bare node:http ceiling and Stoplight Prism, each server in its own process,
// driven by autocannon from this one. Judged on server CPU µs per request (read from /proc), which
// survives load-generator noise, and on req/s; ratios are paired per round.
import { join } from "node:path";
import autocannon from "autocannon";
import { barSpread } from "../lib/plot.mjs";
import { benchDir, root, startChild, startMock, treeCpuMicros } from "../lib/proc.mjs";
import { fmt, fmtSpread, target } from "../lib/report.mjs";
import { interleaved, median, ratioSpread, spread } from "../lib/stats.mjs";

const auth = `Basic ${Buffer.from("361:mock-secret-key-361").toString("base64")}`;
export const paymentBody = JSON.stringify({
  request: {
    amount: 100,
    currency: "USD",
    description: "bench",
    duplicate_check: false,
    credit_card: { number: "4200000000000000", verification_value: "123", exp_month: "05", exp_year: "2030" },
  },
});

export function cannon(url, { duration, connections = 50, path = "/transactions/payments" }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${path}`,
        method: "POST",
        connections,
        duration,
        headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
        body: paymentBody,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(server, seconds) {
  const cpu0 = treeCpuMicros(server.pid);
  const r = await cannon(server.url, { duration: seconds });
  const cpu = treeCpuMicros(server.pid) - cpu0;
  return {
    rps: r.requests.total / seconds,
    cpu: cpu / r.requests.total,
    bad: r.non2xx + r.errors,
    p99: r.latency.p99,
  };
}

export async function gateway({ quick }) {
  const rounds = quick ? 2 : 5;
  const seconds = quick ? 1 : 3;
  const servers = {
    bare: await startChild(process.execPath, [join(benchDir, "servers", "bare.mjs")]),
    mock: await startMock({ DELAY: "fixed:0" }),
  };
  if (!quick)
    servers.prism = await startChild(join(benchDir, "node_modules", ".bin", "prism"), [
      "mock",
      join(root, "spec", "dist", "openapi.json"),
      "-h",
      "127.0.0.1",
      "-p",
      "0",
      "--errors",
      "false",
    ]);
  let runs;
  try {
    for (const s of Object.values(servers)) await cannon(s.url, { duration: quick ? 0.5 : 2 }); // JIT, validators
    runs = await interleaved(Object.keys(servers), rounds, (name) => measure(servers[name], seconds));
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
  const cpuRatio = ratioSpread(runs.bare, runs.mock, (r) => r.cpu); // bare CPU / mock CPU: 1 = as cheap
  const rpsRatio = ratioSpread(runs.mock, runs.bare, (r) => r.rps);
  const prismRatio = runs.prism ? ratioSpread(runs.mock, runs.prism, (r) => r.rps) : undefined;
  const prismCpuRatio = runs.prism ? ratioSpread(runs.prism, runs.mock, (r) => r.cpu) : undefined;
  const label = {
    bare: "bare node:http (ceiling)",
    mock: "@paycross/mock-gateway",
    prism: "Stoplight Prism 5.14.2",
  };
  const rows = Object.entries(runs).map(([name, rs]) => {
    const rps = spread(rs.map((r) => r.rps));
    const cpu = spread(rs.map((r) => r.cpu));
    return [
      label[name],
      `${fmt(rps.median)} (${fmt(rps.min)}–${fmt(rps.max)})`,
      `${fmt(cpu.median, 1)} (${fmt(cpu.min, 1)}–${fmt(cpu.max, 1)})`,
      fmt(median(rs.map((r) => r.p99)), 0),
      rs.reduce((a, r) => a + r.bad, 0),
    ];
  });
  const cpuBars = Object.entries(runs).map(([name, rs]) => {
    const s = spread(rs.map((r) => r.cpu));
    return { label: label[name], ...s, text: `${fmt(s.median, 1)} µs` };
  });
  const bad = Object.values(runs)
    .flat()
    .reduce((a, r) => a + r.bad, 0);
  return {
    id: "gateway",
    title: "Mock gateway against the node:http ceiling and Prism",
    intro: `autocannon from the bench process, 50 connections, \`POST /transactions/payments\` with a valid body (the mock validates it against the contract, books the charge and answers it), ${rounds} interleaved rounds of ${seconds} s after a warm-up. Server CPU is user + system time of the server process (tree, for Prism) read from \`/proc\`, divided by the requests it answered. Ratios are taken per round (same round, same machine state), then the median and the min–max over rounds are shown.`,
    tables: [
      {
        head: [
          "server",
          "req/s median (min–max)",
          "server CPU µs/req median (min–max)",
          "p99 ms",
          "non-2xx + errors",
        ],
        rows,
        plots: [
          {
            file: "gateway-cpu.svg",
            title: "Server CPU per request",
            spec: barSpread({
              title: "Server CPU µs per request (median, min–max over rounds; lower is better)",
              rows: cpuBars,
              xTitle: "µs of server CPU per request",
            }),
          },
        ],
      },
    ],
    targets: [
      target("mock ≥ 0.75× bare in server CPU per request (bare µs / mock µs)", {
        value: cpuRatio.median,
        ok: cpuRatio.median >= 0.75,
        shown: fmtSpread(cpuRatio),
      }),
      target("mock ≥ 0.75× bare in req/s", {
        value: rpsRatio.median,
        ok: rpsRatio.median >= 0.75,
        shown: fmtSpread(rpsRatio),
      }),
      target("mock ≥ 20× Prism in req/s", {
        value: prismRatio?.median,
        ok: prismRatio?.median >= 20,
        shown: prismRatio && `${fmtSpread(prismRatio, 1)}; in CPU per request ${fmtSpread(prismCpuRatio, 1)}`,
        reason: prismRatio ? undefined : "Prism is skipped in --quick",
      }),
    ],
    notes: [
      `Answers that were not 2xx, or errors, over all rounds: ${bad} (must be 0 for the figures to mean anything).`,
    ],
    checks: { broken: bad > 0 ? `gateway benchmark saw ${bad} non-2xx answers or errors` : undefined },
    data: { runs, cpuRatio, rpsRatio, prismRatio },
  };
}
