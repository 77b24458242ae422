// 1. Client overhead: @paycross/client against hand-written fetch code and undici's pool, on a bare
// loopback server in another process, so the CPU measured here is the client's alone.
import { createClient, nodeTransport } from "@paycross/client";
import { undiciTransport } from "@paycross/client/undici";
import { Pool, request } from "undici";
import { drive, fmt, median, startChild, table } from "./lib.mjs";

export async function clientOverhead({ quick }) {
  const server = await startChild(process.execPath, [
    new URL("./servers/bare.mjs", import.meta.url).pathname,
  ]);
  const ms = quick ? 400 : 2_000;
  const rounds = quick ? 1 : 5;
  const concurrency = 16;
  const auth = `Basic ${Buffer.from("361:bench-secret").toString("base64")}`;
  const payment = {
    amount: 100,
    currency: "USD",
    description: "bench",
    tracking_id: "order-1",
    credit_card: { number: "4200000000000000", verification_value: "123", exp_month: "05", exp_year: "2030" },
  };
  const rawHeaders = { authorization: auth, accept: "application/json", "content-type": "application/json" };
  const body = JSON.stringify({ request: payment });
  const pool = new Pool(server.url, { connections: 64 });
  const fast = undiciTransport({ connections: 64 });
  const client = createClient({ shopId: 361, secretKey: "bench-secret", baseUrl: server.url, retry: false });
  const viaFetch = createClient({
    shopId: 361,
    secretKey: "bench-secret",
    baseUrl: server.url,
    retry: false,
    fetch: globalThis.fetch,
  });
  const viaUndici = createClient({
    shopId: 361,
    secretKey: "bench-secret",
    baseUrl: server.url,
    retry: false,
    transport: fast,
  });
  const transportOnly = nodeTransport();

  const variants = {
    "raw fetch (hand-written)": async () => {
      const res = await fetch(`${server.url}/transactions/payments`, {
        method: "POST",
        headers: { ...rawHeaders, RequestID: crypto.randomUUID() },
        body,
      });
      await res.json();
    },
    "client, default transport": () => client.payments.create(payment),
    "client, fetch transport": () => viaFetch.payments.create(payment),
    "client.raw.POST (openapi-fetch)": () =>
      client.raw.POST("/transactions/payments", { body: { request: payment } }),
    "client, undici transport": () => viaUndici.payments.create(payment),
    "node http transport alone": async () => {
      const res = await transportOnly({
        method: "POST",
        url: `${server.url}/transactions/payments`,
        headers: { ...rawHeaders, RequestID: crypto.randomUUID() },
        body,
        signal: new AbortController().signal,
      });
      JSON.parse(await res.text());
    },
    "undici.request on a Pool (ceiling)": async () => {
      const res = await request(`${server.url}/transactions/payments`, {
        method: "POST",
        headers: { ...rawHeaders, RequestID: crypto.randomUUID() },
        body,
        dispatcher: pool,
      });
      await res.body.json();
    },
    "status query: raw fetch": async () => {
      const res = await fetch(`${server.url}/transactions/8a3b7c1e`, {
        headers: { authorization: auth, accept: "application/json" },
      });
      await res.json();
    },
    "status query: client, default": () => client.transactions.get("8a3b7c1e"),
  };
  // Warm every variant up, then interleave the rounds so that no variant gets a colder or hotter machine.
  for (const call of Object.values(variants)) await drive(call, { concurrency, ms: quick ? 150 : 750 });
  const runs = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, call] of Object.entries(variants))
      runs[name].push(await drive(call, { concurrency, ms }));
  }
  const results = {};
  for (const [name, rs] of Object.entries(runs)) {
    results[name] = {
      perSecond: median(rs.map((r) => r.perSecond)),
      cpu: median(rs.map((r) => r.cpuMicrosPerCall)),
    };
  }
  await pool.close();
  await fast.close();
  await server.stop();

  const base = results["raw fetch (hand-written)"].perSecond;
  const ceiling = results["undici.request on a Pool (ceiling)"].perSecond;
  const rows = Object.entries(results).map(([name, r]) => [
    name,
    fmt(r.perSecond),
    fmt(r.cpu, 1),
    `${fmt(r.perSecond / base, 2)}×`,
    `${fmt(r.perSecond / ceiling, 2)}×`,
  ]);
  const ratioDefault = results["client, default transport"].perSecond / base;
  const ratioStatus =
    results["status query: client, default"].perSecond / results["status query: raw fetch"].perSecond;
  const ratioFast = results["client, undici transport"].perSecond / ceiling;
  const layer = results["client, default transport"].cpu - results["node http transport alone"].cpu;
  return {
    title: "Client overhead",
    text: [
      `Sync payment POSTs (and status-query GETs) against a bare loopback server in another process; ${concurrency} calls in flight, ${rounds} × ${ms / 1000} s after a warm-up, medians. CPU is this process's (the client's) per call.`,
      "",
      table(["variant", "calls/s", "client CPU µs/call", "vs raw fetch", "vs undici ceiling"], rows),
      "",
      `- Target: default path ≥ 1.0× raw fetch: **${fmt(ratioDefault, 2)}×** (payment), **${fmt(ratioStatus, 2)}×** (status query): ${ratioDefault >= 1 && ratioStatus >= 1 ? "met" : "missed"}.`,
      `- Target: fast transport ≥ 0.5× the undici.request ceiling: **${fmt(ratioFast, 2)}×**: ${ratioFast >= 0.5 ? "met" : "missed"}.`,
      `- Where the rest goes: ${layer > 20 ? `the client layer (auth header, idempotency key, JSON, error mapping, timeout) costs ${fmt(layer, 1)} µs of CPU per call above the bare Node http transport (${fmt(results["node http transport alone"].cpu, 1)} µs)` : `the client layer costs no measurable CPU above the bare Node http transport (${fmt(results["node http transport alone"].cpu, 1)} µs/call; the difference, ${fmt(layer, 1)} µs, is within this machine's run-to-run noise of about ±20 µs)`}; global fetch costs ${fmt(results["client, fetch transport"].cpu - results["client, default transport"].cpu, 1)} µs more than the Node http transport per call.`,
    ].join("\n"),
    checks: { ratioDefault, ratioStatus, ratioFast },
  };
}
