/**
 * One request, in the order a gateway checks it: a body within the cap, the admin routes, route
 * matching, injected faults, credentials, then (for POSTs) the content type, the parse and the
 * contract, the header rules, and finally the operation or the task endpoint.
 *
 * Synchronous from the body's end to the answer (no promise per request); only an injected fault
 * (a latency) makes a request wait.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Operation } from "@paycross/spec";
import type { GatewayContext } from "./context.js";
import { applyFault, type Fault } from "./faults.js";
import { type Body, isJsonContentType, MAX_BODY_BYTES, readBody } from "./http/body.js";
import { answerBug, reply, send, sendAndClose } from "./http/respond.js";
import { adminRoute } from "./routes/admin.js";
import { createOperations } from "./routes/operations.js";
import { taskResult, taskStatus } from "./routes/tasks.js";
import type { Json } from "./types.js";
import { compileHeaderRules, headerError, parseJsonBody, validationError } from "./validation.js";

const UNSUPPORTED_TYPE = "Content-Type must be application/json";

export function createHandler(ctx: GatewayContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { contract, stats } = ctx;
  const operations = createOperations(ctx);
  const headerRules = compileHeaderRules(contract);
  const authorized = authorizer(ctx.authorization);

  /** After the route and any faults: credentials, the body against the contract, then the operation. */
  const serve = (
    req: IncomingMessage,
    res: ServerResponse,
    op: Operation,
    params: Record<string, string>,
    raw: Buffer,
  ) => {
    if (!authorized(req.headers.authorization)) return send(res, 401, { message: "Access denied" });
    // Timers fire a little late; settling what is due now keeps every answer exact to the clock.
    ctx.scheduler.runDue();
    if (op.operationId === "getAsyncStatus")
      return reply(res, taskStatus(ctx.tasks, params.request_id!, ctx.publicUrl()));
    if (op.operationId === "getAsyncResult")
      return reply(res, taskResult(ctx.tasks, params.request_id!, ctx.publicUrl()));

    const checked = checkBody(contract, op, req, raw);
    if (!checked.ok) return send(res, checked.status, checked.answer);
    const parsed = checked.body;
    const headerProblem = headerError(headerRules.get(op.operationId), req.headers);
    if (headerProblem) return send(res, 422, headerProblem);

    const requestId = op.method === "post" ? headerValue(req.headers.requestid) : undefined;
    reply(
      res,
      operations.serve({ operationId: op.operationId, mode: op.mode, body: parsed, params, raw, requestId }),
    );
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Body) => {
    if (!body.ok) return sendAndClose(res, body.status, body.message);
    const raw = body.raw;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? "GET";

    if (pathname.startsWith("/__mock/")) {
      if (!ctx.admin) return send(res, 404, { message: "Not found" });
      if (!authorized(req.headers.authorization)) return send(res, 401, { message: "Access denied" });
      if (raw.length > 0 && !isJsonContentType(req.headers["content-type"]))
        return send(res, 415, { message: `admin: ${UNSUPPORTED_TYPE}` });
      return reply(res, adminRoute(ctx, method, pathname, raw));
    }

    const match = contract.match(method, pathname);
    const operationId = match.operation?.operationId ?? "unmatched";
    stats.byOperation[operationId] = (stats.byOperation[operationId] ?? 0) + 1;
    const fired = ctx.faults.draw(match.operation?.operationId, pathname);
    const next = () => {
      if (match.operation) serve(req, res, match.operation, match.params, raw);
      else
        send(res, 404, { message: match.pathExists ? `Method ${method} is not allowed here` : "Not found" });
    };
    if (fired.length === 0) return next();
    applyFaults(req, res, fired).then(
      (answered) => answered || next(),
      (e: unknown) => answerBug(res, e),
    );
  };

  return (req, res) => {
    stats.requests++;
    readBody(req, MAX_BODY_BYTES, (body) => {
      try {
        handle(req, res, body);
      } catch (e) {
        answerBug(res, e);
      }
    });
  };
}

/** Constant-time in the header's content (no early exit), and no Buffer allocated per request. */
function authorizer(expected: string): (header: string | undefined) => boolean {
  return (header) => {
    if (header === undefined || header.length !== expected.length) return false;
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= header.charCodeAt(i) ^ expected.charCodeAt(i);
    return diff === 0;
  };
}

type Answer = Parameters<typeof send>[2];
type Checked = { ok: true; body: Json | undefined } | { ok: false; status: number; answer: Answer };

/** A POST's body: JSON by its content type, parsed within the caps, and valid against the contract. */
function checkBody(
  contract: GatewayContext["contract"],
  op: Operation,
  req: IncomingMessage,
  raw: Buffer,
): Checked {
  if (op.method !== "post") return { ok: true, body: undefined };
  if (raw.length > 0 && !isJsonContentType(req.headers["content-type"]))
    return {
      ok: false,
      status: 415,
      answer: { message: UNSUPPORTED_TYPE, errors: { base: [UNSUPPORTED_TYPE] } },
    };
  const value = parseJsonBody(raw);
  if (!value.ok) return { ok: false, status: 422, answer: value.body };
  const issues = contract.validateRequestBody(op.operationId, value.value);
  if (issues.length > 0) return { ok: false, status: 422, answer: validationError(issues) };
  return { ok: true, body: value.value as Json };
}

/** The drawn faults in order; true once one has answered (or dropped) the request. */
async function applyFaults(
  req: IncomingMessage,
  res: ServerResponse,
  faults: readonly Fault[],
): Promise<boolean> {
  for (const fault of faults) if (await applyFault(req, res, fault)) return true;
  return false;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length > 0 ? s : undefined;
}
