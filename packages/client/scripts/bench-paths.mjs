// Named methods vs openapi-fetch's raw path, over the same pipeline, against a loopback server that
// answers a fixed transaction. Prints microseconds of client CPU per call (median of rounds) so that the
// README's decision on which path the named methods take rests on numbers. Usage: node scripts/bench-paths.mjs [calls]
import { createServer } from "node:http";
import { createClient } from "../dist/index.js";

const calls = Number(process.argv[2] ?? 2000);
const answer = JSON.stringify({
  transaction: { uid: "u", status: "successful", type: "payment", amount: 100, currency: "USD", test: true },
});
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const client = createClient({
  shopId: 1,
  secretKey: "k",
  baseUrl: `http://127.0.0.1:${server.address().port}`,
  tracer: false,
});
const request = { amount: 100, currency: "USD", description: "bench", credit_card: { token: "tok" } };

const paths = {
  named: () => client.payments.create(request),
  raw: () => client.raw.POST("/transactions/payments", { body: { request } }),
};
async function round(fn) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i += 16) await Promise.all(Array.from({ length: 16 }, fn));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / calls; // includes the loopback server's share, equal for both
}
const results = { named: [], raw: [] };
for (let r = 0; r < 5; r++)
  for (const [name, fn] of Object.entries(paths)) results[name].push(await round(fn));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(results))
  console.log(`${name}: ${median(xs).toFixed(1)} µs CPU per call (median of 5 rounds of ${calls})`);
server.close();
