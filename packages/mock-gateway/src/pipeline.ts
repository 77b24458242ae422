/**
 * One request, in the order a gateway checks it: a body within the cap, the admin routes, route
 * matching, injected faults, credentials, then (for POSTs) the content type, the parse and the
 * contract, the header rules, and finally the operation or the task endpoint.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayContext } from "./context.js";
import { applyFault } from "./faults.js";
import { isJsonContentType, readBody } from "./http/body.js";
import { reply, send, sendAndClose } from "./http/respond.js";
import { adminRoute } from "./routes/admin.js";
import { createOperations } from "./routes/operations.js";
import { taskResult, taskStatus } from "./routes/tasks.js";
import type { Json } from "./types.js";
import { compileHeaderRules, headerError, parseJsonBody, validationError } from "./validation.js";

const UNSUPPORTED_TYPE = "Content-Type must be application/json";

export function createHandler(ctx: GatewayContext) {
  const { contract, stats } = ctx;
  const operations = createOperations(ctx);
  const headerRules = compileHeaderRules(contract);
  const expectedAuth = Buffer.from(ctx.authorization);
  const authorized = (header: string | undefined): boolean => {
    if (!header) return false;
    const given = Buffer.from(header);
    return given.length === expectedAuth.length && timingSafeEqual(given, expectedAuth);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? "GET";
    const body = await readBody(req);
    if (!body.ok) return sendAndClose(res, body.status, body.message);
    const raw = body.raw;

    if (pathname.startsWith("/__mock/")) {
      if (!ctx.admin) return send(res, 404, { message: "Not found" });
      if (!authorized(req.headers.authorization)) return send(res, 401, { message: "Access denied" });
      if (raw.length > 0 && !isJsonContentType(req.headers["content-type"]))
        return send(res, 415, { message: `admin: ${UNSUPPORTED_TYPE}` });
      return reply(res, adminRoute(ctx, method, pathname, raw));
    }

    const match = contract.match(method, pathname);
    const operationId = match.operation?.operationId;
    stats.byOperation[operationId ?? "unmatched"] = (stats.byOperation[operationId ?? "unmatched"] ?? 0) + 1;
    for (const fault of ctx.faults.draw(operationId, pathname)) if (await applyFault(req, res, fault)) return;

    if (!match.operation) {
      return send(res, 404, {
        message: match.pathExists ? `Method ${method} is not allowed here` : "Not found",
      });
    }
    if (!authorized(req.headers.authorization)) return send(res, 401, { message: "Access denied" });
    // Timers fire a little late; settling what is due now keeps every answer exact to the clock.
    ctx.scheduler.runDue();

    const op = match.operation;
    const params = match.params;
    if (op.operationId === "getAsyncStatus")
      return reply(res, taskStatus(ctx.tasks, params.request_id!, ctx.publicUrl()));
    if (op.operationId === "getAsyncResult")
      return reply(res, taskResult(ctx.tasks, params.request_id!, ctx.publicUrl()));

    let parsed: Json | undefined;
    if (op.method === "post") {
      if (raw.length > 0 && !isJsonContentType(req.headers["content-type"]))
        return send(res, 415, { message: UNSUPPORTED_TYPE, errors: { base: [UNSUPPORTED_TYPE] } });
      const value = parseJsonBody(raw);
      if (!value.ok) return send(res, 422, value.body);
      const issues = contract.validateRequestBody(op.operationId, value.value);
      if (issues.length > 0) return send(res, 422, validationError(issues));
      parsed = value.value as Json;
    }
    const headerProblem = headerError(headerRules.get(op.operationId), req.headers);
    if (headerProblem) return send(res, 422, headerProblem);

    const requestId = op.method === "post" ? headerValue(req.headers.requestid) : undefined;
    return reply(
      res,
      operations.serve({ operationId: op.operationId, mode: op.mode, body: parsed, params, raw, requestId }),
    );
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length > 0 ? s : undefined;
}
