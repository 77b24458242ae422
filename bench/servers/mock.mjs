// The mock gateway in its own process. DELAY=fixed:<ms> or uniform-by-amount:<min>:<max>.
import { startMockGateway } from "@paycross/mock-gateway";

const [mode, a, b] = (process.env.DELAY ?? "fixed:0").split(":");
const delayOf = (amount) => Number(a) + ((amount * 7919) % (Number(b) - Number(a) + 1));
const gw = await startMockGateway({
  port: 0,
  admin: true,
  asyncDelayMs: mode === "fixed" ? Number(a) : (_op, request) => delayOf(request?.amount ?? 0),
});
console.log(`mock gateway on ${gw.url}`);
process.on("SIGTERM", () => gw.close().then(() => process.exit(0)));
