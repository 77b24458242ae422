/**
 * `/__mock/*`: the test harness's controls (clock, faults, reset, stats, webhooks, profile), one entry
 * per route. Bodies go through the same caps and parser as the gateway's own; an unreadable body is
 * refused, never read as `{}`.
 */
import { TEST_CARDS } from "../cards.js";
import type { GatewayContext } from "../context.js";
import type { Fault } from "../faults.js";
import { RESULT_RETENTION_MS } from "../state/tasks.js";
import type { Answer, Json } from "../types.js";
import { parseJsonBody } from "../validation.js";

type AdminRoute = (ctx: GatewayContext, input: Json) => Answer;

const ok = (body: Json): Answer => ({ status: 200, body });
const bad = (status: number, message: string): Answer => ({ status, body: { message: `admin: ${message}` } });

const ROUTES: Record<string, AdminRoute> = {
  "GET /__mock/clock": (ctx) => ok({ now: ctx.clock.now(), manual: Boolean(ctx.manual) }),
  "POST /__mock/clock": (ctx, input) => {
    if (!ctx.manual) return bad(409, "the gateway runs on the system clock (start it with a manual clock)");
    const ms = input.advanceMs;
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      return bad(400, "advanceMs must be a non-negative number");
    ctx.manual.advance(ms);
    return ok({ now: ctx.clock.now(), manual: true });
  },
  "PUT /__mock/faults": (ctx, input) => {
    if (!("faults" in input))
      return bad(400, 'the body must be {"faults": [...]} ({"faults": []} clears them)');
    try {
      ctx.faults.set(input.faults as Fault[], typeof input.seed === "number" ? input.seed : undefined);
    } catch (e) {
      return bad(400, (e as Error).message);
    }
    return ok({ faults: ctx.faults.active });
  },
  "POST /__mock/reset": (ctx) => {
    ctx.reset();
    return ok({ reset: true });
  },
  "GET /__mock/stats": (ctx) => ok({ ...ctx.stats, tasks: ctx.tasks.size, transactions: ctx.ledger.size }),
  "GET /__mock/webhooks": (ctx) =>
    ok({ publicKey: ctx.webhooks.publicKey, deliveries: ctx.webhooks.deliveries.slice(-100) }),
  "GET /__mock/profile": () => ok({ cards: TEST_CARDS, retentionMs: RESULT_RETENTION_MS }),
};

export function adminRoute(ctx: GatewayContext, method: string, pathname: string, raw: Buffer): Answer {
  const route = ROUTES[`${method} ${pathname}`];
  if (!route) return bad(404, "no such endpoint");
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return { status: 400, body: { message: `admin: ${parsed.body.message}` } };
  const input = parsed.value ?? {};
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return bad(400, "the body must be a JSON object");
  return route(ctx, input as Json);
}
