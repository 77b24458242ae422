/**
 * Fault injection for reliability tests: deterministic for a seed, per route and per rate, off by default.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { payCrossError } from "@paycross/client";
import { INTERNAL_ERROR_MESSAGE } from "./cards.js";
import { send } from "./http/respond.js";

export type FaultKind = "latency" | "error" | "reset" | "malformed" | "rateLimit";

export interface Fault {
  kind: FaultKind;
  /** Probability per matching request, 0..1. Default 1. */
  rate?: number;
  /** operationIds or path prefixes this fault applies to; all routes when absent. */
  routes?: string[];
  /** `latency`: added delay. */
  latencyMs?: number;
  /** `error`: the 5xx status. Default 500. */
  status?: number;
  /** `rateLimit` (and `error` with 503): the Retry-After header value, sent as is. */
  retryAfter?: string;
  /** Apply to at most this many requests, then stop. */
  times?: number;
}

const KINDS: readonly FaultKind[] = ["latency", "error", "reset", "malformed", "rateLimit"];

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private faults: Array<Fault & { used: number }> = [];
  private random: () => number;

  constructor(faults: Fault[] = [], seed = 1) {
    this.random = prng(seed);
    this.set(faults, seed);
  }

  /** Replaces the faults (and reseeds). Throws a PayCrossError with code `config` naming the bad field. */
  set(faults: Fault[], seed?: number): void {
    if (!Array.isArray(faults)) throw payCrossError("config", "faults must be an array");
    faults.forEach((f, i) => {
      if (!f || typeof f !== "object") throw payCrossError("config", `faults[${i}] must be an object`);
      if (!KINDS.includes(f.kind))
        throw payCrossError("config", `faults[${i}].kind must be one of ${KINDS.join(", ")}`);
      if (f.rate !== undefined && !(typeof f.rate === "number" && f.rate >= 0 && f.rate <= 1))
        throw payCrossError("config", `faults[${i}].rate must be a number from 0 to 1`);
      if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 500 && f.status <= 599))
        throw payCrossError("config", `faults[${i}].status must be a 5xx status`);
      if (
        f.latencyMs !== undefined &&
        !(typeof f.latencyMs === "number" && f.latencyMs >= 0 && f.latencyMs <= 60_000)
      )
        throw payCrossError("config", `faults[${i}].latencyMs must be 0..60000`);
      if (
        f.routes !== undefined &&
        !(Array.isArray(f.routes) && f.routes.every((r) => typeof r === "string"))
      )
        throw payCrossError("config", `faults[${i}].routes must be an array of strings`);
      if (f.times !== undefined && !(Number.isInteger(f.times) && f.times >= 0))
        throw payCrossError("config", `faults[${i}].times must be a whole number`);
      if (f.retryAfter !== undefined && typeof f.retryAfter !== "string")
        throw payCrossError("config", `faults[${i}].retryAfter must be a string`);
    });
    this.faults = faults.map((f) => ({ ...f, used: 0 }));
    if (seed !== undefined) this.random = prng(seed);
  }

  get active(): Fault[] {
    return this.faults.map(({ used: _used, ...f }) => f);
  }

  /** The faults that fire for this request, drawn in a fixed order so a seed replays exactly. */
  draw(operationId: string | undefined, path: string): readonly Fault[] {
    if (this.faults.length === 0) return NONE;
    const fired: Fault[] = [];
    for (const f of this.faults) {
      if (f.routes && !f.routes.some((r) => r === operationId || path.startsWith(r))) continue;
      if (f.times !== undefined && f.used >= f.times) continue;
      if (this.random() < (f.rate ?? 1)) {
        f.used++;
        fired.push(f);
      }
    }
    return fired;
  }
}

/** No fault fired: one shared empty list, so a gateway without faults allocates nothing per request. */
const NONE: readonly Fault[] = Object.freeze([]);

/** Applies a drawn fault to the answer; true when the fault has answered (or dropped) the request. */
export async function applyFault(req: IncomingMessage, res: ServerResponse, fault: Fault): Promise<boolean> {
  switch (fault.kind) {
    case "latency":
      await new Promise((r) => setTimeout(r, fault.latencyMs ?? 100));
      return false;
    case "reset":
      req.socket.destroy();
      return true;
    case "malformed":
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"transaction": {"uid": "trunc');
      return true;
    case "rateLimit":
      send(res, 429, { message: "Too many requests" }, { "retry-after": fault.retryAfter ?? "1" });
      return true;
    case "error": {
      const status = fault.status ?? 500;
      const message = status === 503 ? "Gateway is temporarily unavailable" : INTERNAL_ERROR_MESSAGE;
      send(res, status, { message }, fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined);
      return true;
    }
  }
}
