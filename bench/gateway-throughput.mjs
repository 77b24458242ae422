// 2. Mock gateway throughput against a bare node:http server (the ceiling) and Stoplight Prism mocking
// the same spec. Each server runs in its own process; autocannon drives it from this one.
import { join } from "node:path";
import autocannon from "autocannon";
import { Pool } from "undici";
import { fmt, median, root, startChild, table, treeCpuMicros } from "./lib.mjs";

const auth = `Basic ${Buffer.from("361:mock-secret-key-361").toString("base64")}`;
const paymentBody = JSON.stringify({
  request: {
    amount: 100,
    currency: "USD",
    description: "bench",
    duplicate_check: false,
    credit_card: { number: "4200000000000000", verification_value: "123", exp_month: "05", exp_year: "2030" },
  },
});

function cannon(url, { duration, connections }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/transactions/payments`,
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

/** Measures several servers round by round (A, B, A, B …) so that none gets a quieter machine. */
async function measureAll(servers, { quick }) {
  const connections = 50;
  for (const server of servers) await cannon(server.url, { duration: quick ? 0.5 : 2, connections }); // warm-up (JIT, compiled validators)
  const runs = servers.map(() => []);
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    for (const [k, server] of servers.entries()) {
      const cpu0 = treeCpuMicros(server.pid);
      const r = await cannon(server.url, { duration: quick ? 1 : 4, connections });
      const cpu = treeCpuMicros(server.pid) - cpu0;
      runs[k].push({
        rps: r.requests.average,
        p99: r.latency.p99,
        cpu: cpu / r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors,
      });
    }
  }
  return runs.map((rs) => ({
    rps: median(rs.map((r) => r.rps)),
    p99: median(rs.map((r) => r.p99)),
    cpu: median(rs.map((r) => r.cpu)),
    non2xx: rs.reduce((a, r) => a + r.non2xx + r.errors, 0),
  }));
}

/** submit → status → result cycles at fixed concurrency against the mock (tasks complete at once). */
async function asyncCycle(url, pid, { quick }) {
  const pool = new Pool(url, { connections: 50 });
  const headers = { authorization: auth, "content-type": "application/json", accept: "application/json" };
  let cycles = 0;
  let bad = 0;
  let stop = false;
  const one = async () => {
    const sub = await pool.request({
      path: "/async/transactions/payments",
      method: "POST",
      headers,
      body: paymentBody,
    });
    const task = await sub.body.json();
    const st = await pool.request({ path: new URL(task.status_url).pathname, method: "GET", headers });
    await st.body.json();
    const res = await pool.request({ path: new URL(task.response_url).pathname, method: "GET", headers });
    await res.body.json();
    if (res.statusCode !== 200) bad++;
  };
  const worker = async () => {
    while (!stop) {
      await one();
      cycles++;
    }
  };
  const ms = quick ? 1_000 : 4_000;
  const cpu0 = treeCpuMicros(pid);
  const t0 = performance.now();
  setTimeout(() => {
    stop = true;
  }, ms);
  await Promise.all(Array.from({ length: 50 }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = treeCpuMicros(pid) - cpu0;
  await pool.close();
  return {
    cyclesPerSecond: cycles / elapsed,
    requestsPerSecond: (3 * cycles) / elapsed,
    cpuPerRequest: cpu / (3 * cycles),
    bad,
  };
}

export async function gatewayThroughput({ quick, withPrism = !quick }) {
  const bare = await startChild(process.execPath, [new URL("./servers/bare.mjs", import.meta.url).pathname]);
  const mock = await startChild(process.execPath, [new URL("./servers/mock.mjs", import.meta.url).pathname], {
    DELAY: "fixed:0",
  });
  const [bareR, mockR] = await measureAll([bare, mock], { quick });
  await bare.stop();
  const cycle = await asyncCycle(mock.url, mock.pid, { quick });
  await mock.stop();
  let prismR;
  if (withPrism) {
    const prismBin = join(root, "bench", "node_modules", ".bin", "prism");
    const prism = await startChild(
      prismBin,
      ["mock", join(root, "spec", "dist", "openapi.json"), "-h", "127.0.0.1", "-p", "0", "--errors", "false"],
      {},
      /(http:\/\/127\.0\.0\.1:\d+)/,
    );
    [prismR] = await measureAll([prism], { quick });
    await prism.stop();
  }
  const rows = [
    ["bare node:http, fixed JSON (ceiling)", fmt(bareR.rps), fmt(bareR.p99, 1), fmt(bareR.cpu, 1), "1.00×"],
    [
      "@paycross/mock-gateway, sync payment",
      fmt(mockR.rps),
      fmt(mockR.p99, 1),
      fmt(mockR.cpu, 1),
      `${fmt(mockR.rps / bareR.rps, 2)}×`,
    ],
    ...(prismR
      ? [
          [
            "Stoplight Prism 5.14.2, same spec",
            fmt(prismR.rps),
            fmt(prismR.p99, 1),
            fmt(prismR.cpu, 1),
            `${fmt(prismR.rps / bareR.rps, 3)}×`,
          ],
        ]
      : []),
  ];
  const vsBare = mockR.rps / bareR.rps;
  const vsPrism = prismR ? mockR.rps / prismR.rps : Number.NaN;
  return {
    title: "Mock gateway throughput",
    text: [
      `autocannon, 50 connections, POST /transactions/payments with a valid body (validated against the spec, stored, answered), ${quick ? "1 × 1 s" : "3 × 4 s"} after a warm-up, medians; server CPU read from /proc for the server process (tree).`,
      "",
      table(["server", "req/s", "p99 ms", "server CPU µs/req", "vs bare"], rows),
      "",
      `Async cycle on the mock (submit → status → result, 50 in flight, tasks complete at once): ${fmt(cycle.cyclesPerSecond)} cycles/s = ${fmt(cycle.requestsPerSecond)} req/s, ${fmt(cycle.cpuPerRequest, 1)} server CPU µs/req; results not 200: ${cycle.bad}.`,
      "",
      `- Target: ≥ 0.5× the bare server: **${fmt(vsBare, 2)}×**: ${vsBare >= 0.5 ? "met" : "missed"}.`,
      `- Target: ≥ 10× Prism: ${prismR ? `**${fmt(vsPrism, 1)}×**: ${vsPrism >= 10 ? "met" : "missed"}` : "not measured in quick mode"}.`,
      `- Non-2xx answers or errors during the runs: bare ${bareR.non2xx}, mock ${mockR.non2xx}${prismR ? `, prism ${prismR.non2xx}` : ""}.`,
    ].join("\n"),
    checks: { vsBare, vsPrism, mockErrors: mockR.non2xx, cycleBad: cycle.bad },
  };
}
