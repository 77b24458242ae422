/**
 * The shared setup of the client's behaviour tests (client-*.test.ts): a scripted loopback gateway per
 * test and a client pointed at it with fast retries. The secrets are recognisable so leaks can be found.
 */
import { afterEach, beforeEach } from "vitest";
import { type ClientOptions, createClient } from "../src/index.js";
import { scriptedServer } from "./server.js";

export const SECRET = "sk_live_very_secret_key_123";
export const PAN = "4200000000000000";
export const CVV = "987";
export const card = {
  number: PAN,
  verification_value: CVV,
  exp_month: "05",
  exp_year: "2030",
  holder: "J D",
};
export const paymentRequest = { amount: 100, currency: "USD", description: "Order", credit_card: card };

export type ScriptedServer = Awaited<ReturnType<typeof scriptedServer>>;

/** Starts a scripted server before each test of the calling file and closes it after. */
export function useScriptedGateway() {
  const ctx = { server: undefined as unknown as ScriptedServer };
  beforeEach(async () => {
    ctx.server = await scriptedServer();
  });
  afterEach(() => ctx.server.close());
  const make = (extra: Partial<ClientOptions> = {}) =>
    createClient({
      shopId: 361,
      secretKey: SECRET,
      baseUrl: ctx.server.url,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });
  return { ctx, make };
}
