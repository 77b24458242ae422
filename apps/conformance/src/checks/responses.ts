/**
 * The response checks Schemathesis names, applied to one answer of one operation: no server error, a
 * status the contract allows, JSON content type, declared headers valid, body valid against the schema.
 */
import type { Context } from "../context.js";
import type { Answer } from "../http.js";
import type { CheckInfo } from "../types.js";

export const RESPONSE_CHECKS: CheckInfo[] = [
  {
    id: "contract.not_a_server_error",
    suite: "contract",
    description: "The answer is not a 5xx (unless the contract's operation was asked to fail).",
  },
  {
    id: "contract.status_code_conformance",
    suite: "contract",
    description: "The HTTP status is one the contract declares for the operation.",
  },
  {
    id: "contract.content_type_conformance",
    suite: "contract",
    description: "The answer is `application/json`, as every response of the contract is.",
  },
  {
    id: "contract.response_headers_conformance",
    suite: "contract",
    description: "Headers the contract declares for the status (e.g. Retry-After) are valid.",
  },
  {
    id: "contract.response_schema_conformance",
    suite: "contract",
    description: "The body validates against the schema declared for the operation and status.",
  },
];

export function checkResponse(
  ctx: Context,
  operationId: string,
  answer: Answer,
  options: { expectServerError?: boolean } = {},
): boolean {
  const exchange = answer.exchange;
  const base = { operation: operationId, exchange };
  let ok = true;
  const fail = (check: string, message: string, extra: Record<string, string> = {}) => {
    ok = false;
    ctx.fail(check, message, { ...base, ...extra });
  };

  if (answer.status >= 500 && !options.expectServerError)
    fail("contract.not_a_server_error", `answered ${answer.status}`);
  else ctx.pass("contract.not_a_server_error", base);

  const allowed = ctx.contract.statuses(operationId);
  if (!allowed.includes(answer.status)) {
    fail(
      "contract.status_code_conformance",
      `answered ${answer.status}; the contract allows ${allowed.join(", ")}`,
    );
  } else ctx.pass("contract.status_code_conformance", base);

  const contentType = answer.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType))
    fail(
      "contract.content_type_conformance",
      `content-type is ${contentType || "missing"}, expected application/json`,
    );
  else ctx.pass("contract.content_type_conformance", base);

  const declared = ctx.contract.response(operationId, answer.status)?.headers ?? {};
  const headerProblems: string[] = [];
  for (const [name, h] of Object.entries(declared)) {
    const value = answer.headers.get(name);
    if (value === null) {
      if (h.required) headerProblems.push(`${name} is required but missing`);
      continue;
    }
    const schema = h.schema as { type?: string; minimum?: number };
    if (schema.type === "integer" && !/^[0-9]+$/.test(value))
      headerProblems.push(`${name} must be an integer, got ${JSON.stringify(value)}`);
  }
  if (headerProblems.length) fail("contract.response_headers_conformance", headerProblems.join("; "));
  else ctx.pass("contract.response_headers_conformance", base);

  if (answer.json === undefined) {
    fail(
      "contract.response_schema_conformance",
      `body is not JSON: ${ctx.http.redact(answer.text.slice(0, 120))}`,
    );
  } else {
    const issues = ctx.contract.validateResponseBody(operationId, answer.status, answer.json);
    if (issues === undefined) {
      if (allowed.includes(answer.status)) ctx.pass("contract.response_schema_conformance", base);
      else
        ctx.notApplicable(
          "contract.response_schema_conformance",
          `no schema for status ${answer.status}`,
          base,
        );
    } else if (issues.length > 0) {
      const first = issues[0]!;
      fail(
        "contract.response_schema_conformance",
        `${first.instancePath || "(root)"} ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ""}`,
        {
          schemaPath: first.schemaPath,
          instancePath: first.instancePath,
        },
      );
    } else ctx.pass("contract.response_schema_conformance", base);
  }
  return ok;
}
