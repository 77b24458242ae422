// The mock gateway in its own process, printing its URL. DELAY: see lib/delays.mjs (default fixed:0).
import { startMockGateway } from "@paycross/mock-gateway";
import { delayFunction } from "../lib/delays.mjs";

const delayOf = delayFunction(process.env.DELAY ?? "fixed:0");
const gw = await startMockGateway({
  port: 0,
  admin: true,
  asyncDelayMs: (_operation, request) => delayOf(request?.amount ?? 0),
  ...(process.env.WEBHOOK_RETRY_MS
    ? { webhooks: { retryDelaysMs: [Number(process.env.WEBHOOK_RETRY_MS)] } }
    : {}),
});
console.log(`mock gateway on ${gw.url}`);
process.on("SIGTERM", () => gw.close().then(() => process.exit(0)));
