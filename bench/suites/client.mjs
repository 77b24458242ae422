// Client cost per call: @paycross/client against hand-written fetch code and undici.request (the
// ceiling), on a bare loopback server in another process, so the CPU measured here is the client's.
import { join } from "node:path";
import { createClient, nodeTransport } from "@paycross/client";
import { undiciTransport } from "@paycross/client/undici";
import { Pool, request } from "undici";
import { barSpread, spreadBars } from "../lib/plot.mjs";
import { benchDir, selfCpuMicros, startChild } from "../lib/proc.mjs";
import { fmtRange, fmtSpread, ratioTarget } from "../lib/report.mjs";
import { interleaved, ratioSpread, spread } from "../lib/stats.mjs";

/** Runs `call` from `concurrency` loops for `ms`; calls/s and this process's CPU µs per call. */
export async function drive(call, { concurrency, ms }) {
  let calls = 0;
  let stop = false;
  const cpu0 = selfCpuMicros();
  const t0 = performance.now();
  const timer = setTimeout(() => {
    stop = true;
  }, ms);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop) {
        await call();
        calls++;
      }
    }),
  );
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  return { rps: calls / seconds, cpu: (selfCpuMicros() - cpu0) / calls };
}

const payment = {
  amount: 100,
  currency: "USD",
  description: "bench",
  tracking_id: "order-1",
  credit_card: { number: "4200000000000000", verification_value: "123", exp_month: "05", exp_year: "2030" },
};

function variants(url, pool, clients) {
  const auth = `Basic ${Buffer.from("361:bench-secret").toString("base64")}`;
  const headers = { authorization: auth, accept: "application/json", "content-type": "application/json" };
  const body = JSON.stringify({ request: payment });
  const transportOnly = nodeTransport();
  return {
    "hand-written fetch": async () => {
      const res = await fetch(`${url}/transactions/payments`, {
        method: "POST",
        headers: { ...headers, RequestID: crypto.randomUUID() },
        body,
      });
      await res.json();
    },
    "client, default transport": () => clients.default.payments.create(payment),
    "client, node http transport": () => clients.node.payments.create(payment),
    "client, fetch transport": () => clients.fetch.payments.create(payment),
    "client, undici transport": () => clients.undici.payments.create(payment),
    "client.raw.POST": () =>
      clients.default.raw.POST("/transactions/payments", { body: { request: payment } }),
    "node http transport alone": async () => {
      const res = await transportOnly({
        method: "POST",
        url: `${url}/transactions/payments`,
        headers: { ...headers, RequestID: crypto.randomUUID() },
        body,
        signal: new AbortController().signal,
      });
      JSON.parse(await res.text());
    },
    "undici.request on a Pool (ceiling)": async () => {
      const res = await request(`${url}/transactions/payments`, {
        method: "POST",
        headers: { ...headers, RequestID: crypto.randomUUID() },
        body,
        dispatcher: pool,
      });
      await res.body.json();
    },
  };
}

export async function client({ quick }) {
  const server = await startChild(process.execPath, [join(benchDir, "servers", "bare.mjs")]);
  const ms = quick ? 300 : 1_500;
  const rounds = quick ? 2 : 5;
  const concurrency = 16;
  const pool = new Pool(server.url, { connections: 64 });
  const fast = undiciTransport({ connections: 64 });
  const base = { shopId: 361, secretKey: "bench-secret", baseUrl: server.url, retry: false };
  const clients = {
    default: createClient(base),
    node: createClient({ ...base, transport: nodeTransport() }),
    fetch: createClient({ ...base, fetch: globalThis.fetch }),
    undici: createClient({ ...base, transport: fast }),
  };
  let runs;
  try {
    const calls = variants(server.url, pool, clients);
    for (const call of Object.values(calls)) await drive(call, { concurrency, ms: quick ? 150 : 600 });
    runs = await interleaved(Object.keys(calls), rounds, (name) => drive(calls[name], { concurrency, ms }));
  } finally {
    await pool.close();
    await fast.close();
    await server.stop();
  }
  const ceiling = runs["undici.request on a Pool (ceiling)"];
  const def = runs["client, default transport"];
  const hand = runs["hand-written fetch"];
  const vsCeiling = ratioSpread(ceiling, def, (r) => r.cpu); // ceiling µs / default µs: 1 = as cheap
  const vsFetchCpu = ratioSpread(hand, def, (r) => r.cpu);
  const vsFetchRps = ratioSpread(def, hand, (r) => r.rps);
  const rows = Object.entries(runs).map(([name, rs]) => [
    name,
    fmtRange(spread(rs.map((r) => r.rps))),
    fmtRange(spread(rs.map((r) => r.cpu)), 1),
    fmtSpread(ratioSpread(ceiling, rs, (r) => r.cpu)),
  ]);
  return {
    id: "client",
    title: "Client cost per call",
    intro: `Sync payment POSTs against a bare node:http server in another process, ${concurrency} calls in flight, ${rounds} interleaved rounds of ${ms / 1000} s after a warm-up. Client CPU is this process's user + system time per call (the server's is not in it). "vs ceiling" is the ceiling's CPU per call divided by the variant's, paired per round (1.00× = as cheap as \`undici.request\` on a Pool). The default transport drives undici's dispatcher directly (no \`request()\` body stream), which is why it can cost less than the ceiling; Node's http client is the \`nodeTransport()\` option.`,
    tables: [
      {
        head: [
          "variant",
          "calls/s median (min–max)",
          "client CPU µs/call median (min–max)",
          "vs ceiling in CPU/call",
        ],
        rows,
        plots: [
          {
            file: "client-cpu.svg",
            title: "Client CPU per call",
            spec: barSpread({
              title: "Client CPU µs per call (median, min–max; lower is better)",
              rows: spreadBars(runs, (r) => r.cpu),
              xTitle: "µs of client CPU per call",
            }),
          },
        ],
      },
    ],
    targets: [
      ratioTarget(
        "default transport ≥ 0.8× the undici.request ceiling in client CPU per call",
        vsCeiling,
        0.8,
      ),
      ratioTarget(
        "default ≥ 2× hand-written fetch in client CPU per call (fetch µs / default µs)",
        vsFetchCpu,
        2,
      ),
      ratioTarget("default ≥ 2× hand-written fetch in calls/s", vsFetchRps, 2),
    ],
    data: { runs },
  };
}
