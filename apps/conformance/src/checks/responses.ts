/**
 * The response checks Schemathesis names, applied to one answer of one operation: no server error, a
 * status the contract allows, JSON content type, declared headers valid, body valid against the
 * schema, the transaction's own `type`, and the undeclared fields as information.
 */
import type { Context } from "../context.js";
import type { Answer } from "../http.js";
import { EXPECTED_TYPE } from "./scenario.js";

function checkHeaders(ctx: Context, operationId: string, answer: Answer): string[] {
  const declared = ctx.contract.response(operationId, answer.status)?.headers ?? {};
  const problems: string[] = [];
  for (const [name, h] of Object.entries(declared)) {
    const value = answer.headers.get(name);
    if (value === null) {
      if (h.required) problems.push(`${name} is required but missing`);
      continue;
    }
    const schema = h.schema as { type?: string };
    if (schema.type === "integer" && !/^[0-9]+$/.test(value))
      problems.push(`${name} must be an integer, got ${JSON.stringify(value)}`);
  }
  return problems;
}

function checkBody(
  ctx: Context,
  operationId: string,
  answer: Answer,
  base: { operation: string; exchange: Answer["exchange"] },
) {
  if (answer.json === undefined) {
    ctx.notApplicable(
      "contract.response_schema_conformance",
      answer.text ? "the body is not JSON; contract.response_is_json reports it" : "the answer has no body",
      base,
    );
    return;
  }
  const issues = ctx.contract.validateResponseBody(operationId, answer.status, answer.json);
  if (issues === undefined) {
    ctx.notApplicable("contract.response_schema_conformance", `no schema for status ${answer.status}`, base);
  } else if (issues.length > 0) {
    const first = issues[0]!;
    ctx.fail(
      "contract.response_schema_conformance",
      `${first.instancePath || "(root)"} ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ""}`,
      { ...base, schemaPath: first.schemaPath, instancePath: first.instancePath },
    );
  } else ctx.pass("contract.response_schema_conformance", base);
  const unknown = ctx.contract.unknownResponseFields(operationId, answer.status, answer.json) ?? [];
  if (unknown.length)
    ctx.info("contract.unknown_fields", `fields the contract does not declare: ${unknown.join(", ")}`, base);
}

/** `contract.transaction_type_matches`: a capture's answer is a capture, not a payment. */
export function checkTransactionType(ctx: Context, operationId: string, answer: Answer): void {
  const expected = EXPECTED_TYPE.get(operationId);
  const tx = (answer.json as { transaction?: { type?: unknown } } | undefined)?.transaction;
  if (!expected || answer.status !== 200 || !tx || typeof tx !== "object") return;
  ctx.expect(
    "contract.transaction_type_matches",
    tx.type === expected,
    `rule: each operation's answer has its own type; ${answer.exchange.method} ${answer.exchange.url} answered a transaction of type ${JSON.stringify(tx.type)}, expected "${expected}"`,
    { operation: operationId, exchange: answer.exchange },
  );
}

export function checkResponse(ctx: Context, operationId: string, answer: Answer): void {
  const base = { operation: operationId, exchange: answer.exchange };
  if (answer.status >= 500) ctx.fail("contract.not_a_server_error", `answered ${answer.status}`, base);
  else ctx.pass("contract.not_a_server_error", base);

  const allowed = ctx.contract.statuses(operationId);
  if (!allowed.includes(answer.status))
    ctx.fail(
      "contract.status_code_conformance",
      `answered ${answer.status}; the contract allows ${allowed.join(", ")}`,
      base,
    );
  else ctx.pass("contract.status_code_conformance", base);

  const contentType = answer.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType))
    ctx.fail(
      "contract.content_type_conformance",
      `content-type is ${contentType || "missing"}, expected application/json`,
      base,
    );
  else ctx.pass("contract.content_type_conformance", base);

  const headerProblems = checkHeaders(ctx, operationId, answer);
  if (headerProblems.length)
    ctx.fail("contract.response_headers_conformance", headerProblems.join("; "), base);
  else ctx.pass("contract.response_headers_conformance", base);

  checkBody(ctx, operationId, answer, base);
  checkTransactionType(ctx, operationId, answer);
}
