/**
 * Turning request bytes into a checked value, in time and memory linear in the input: a depth cap
 * before parsing (a deeply nested body overflows the stack of every later recursive step: rendering,
 * webhooks, hashing), integers beyond 2^53 refused instead of silently rounded, and at most
 * MAX_FIELD_ERRORS field errors reported.
 */
import type { Contract, SchemaIssue } from "@paycross/spec";
import type { Json } from "./types.js";

/** Deepest nesting of objects and arrays accepted in a body (the contract's deepest field is 4). */
export const MAX_JSON_DEPTH = 32;
/**
 * Most JSON values (objects, arrays and their members) accepted in a body. Schema validation costs
 * microseconds per invalid value; no real request comes near this, and 10 000 keeps a refusal in
 * tens of milliseconds where a 1 MB body of invalid items took seconds.
 */
export const MAX_JSON_VALUES = 10_000;
/** Field errors listed in a 422; the rest are counted. */
export const MAX_FIELD_ERRORS = 100;

export type Parsed = { ok: true; value: unknown } | { ok: false; body: Json };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over the bytes: the deepest nesting, and whether a number literal could be outside the
 * safe integer range (16+ digits or an exponent), so the walk for unsafe integers runs only then.
 */
export function scanJson(raw: Uint8Array): { depth: number; values: number; bigNumbers: boolean } {
  let depth = 0;
  let values = 1;
  let max = 0;
  let inString = false;
  let digits = 0;
  let bigNumbers = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      if (++digits >= 16) bigNumbers = true;
      continue;
    }
    // An exponent after a digit (not the e of true/false): the literal may be huge.
    if ((c === 0x65 || c === 0x45) && digits > 0) bigNumbers = true;
    if (c !== 0x2e) digits = 0; // a '.' continues the number
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      values++;
      if (++depth > max) {
        max = depth;
        // Stop early: the caller refuses the body anyway, and counting further is wasted work.
        if (max > MAX_JSON_DEPTH) return { depth: max, values, bigNumbers };
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === 0x2c) values++; // a comma: one more member
  }
  return { depth: max, values, bigNumbers };
}

/** Parses a JSON body (empty → undefined) or says why not, in the gateway's 422 shape. */
export function parseJsonBody(raw: Buffer): Parsed {
  if (raw.length === 0) return { ok: true, value: undefined };
  const scan = scanJson(raw);
  if (scan.depth > MAX_JSON_DEPTH) {
    const message = `Request body nests deeper than ${MAX_JSON_DEPTH} levels`;
    return { ok: false, body: { message, errors: { base: [message] } } };
  }
  if (scan.values > MAX_JSON_VALUES) {
    const message = `Request body has more than ${MAX_JSON_VALUES} values (${scan.values})`;
    return { ok: false, body: { message, errors: { base: [message] } } };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    return {
      ok: false,
      body: { message: "Request body is not valid JSON", errors: { base: ["is not valid JSON"] } },
    };
  }
  if (scan.bigNumbers) {
    const unsafe: SchemaIssue[] = [];
    findUnsafeIntegers(value, "", unsafe);
    if (unsafe.length > 0) return { ok: false, body: validationError(unsafe) };
  }
  return { ok: true, value };
}

const UNSAFE_MESSAGE = `must be an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`;

/** Integers JSON.parse has already rounded (`9007199254740993` → `…992`): refused, never echoed altered. */
function findUnsafeIntegers(value: unknown, pointer: string, out: SchemaIssue[]): void {
  if (out.length > MAX_FIELD_ERRORS) return;
  if (typeof value === "number") {
    if (Number.isInteger(value) && !Number.isSafeInteger(value))
      out.push({ instancePath: pointer, schemaPath: "#/safeInteger", message: UNSAFE_MESSAGE });
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) findUnsafeIntegers(value[i], `${pointer}/${i}`, out);
    return;
  }
  for (const [k, v] of Object.entries(value))
    findUnsafeIntegers(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
}

/**
 * Schema issues in the gateway's shape: `errors` keyed by field (without the `request` envelope), at
 * most MAX_FIELD_ERRORS of them; the message says how many more there were.
 */
export function validationError(issues: readonly SchemaIssue[]): Json {
  const errors: Json = {};
  const messages = new Set<string>();
  const shown = Math.min(issues.length, MAX_FIELD_ERRORS);
  for (let i = 0; i < shown; i++) {
    const { path, message } = fieldOf(issues[i]!);
    addError(errors, path, message);
    messages.add(`${path.join(".")} ${message}`);
  }
  const rest = issues.length - shown;
  if (rest > 0) {
    const more = `and ${rest} more errors not listed`;
    addError(errors, ["base"], more);
    messages.add(more);
  }
  return { message: [...messages].join(". "), errors };
}

function fieldOf(issue: SchemaIssue): { path: string[]; message: string } {
  const path = issue.instancePath.split("/").filter(Boolean).map(unescapePointer);
  let message = issue.message;
  const missing = /must have required property '(.+)'/.exec(message);
  if (missing) {
    path.push(missing[1]!);
    message = "can't be blank";
  }
  if (path[0] === "request" && path.length > 1) path.shift();
  if (path.length === 0) path.push("base");
  return { path, message };
}

/** A field can carry its own messages and its children's: its own go under `base` once it has children. */
function addError(errors: Json, path: string[], message: string): void {
  let node = errors;
  for (const seg of path.slice(0, -1)) {
    const next = node[seg];
    if (Array.isArray(next)) node[seg] = { base: next };
    else if (!next || typeof next !== "object") node[seg] = {};
    node = node[seg] as Json;
  }
  let leaf = path[path.length - 1]!;
  if (node[leaf] && typeof node[leaf] === "object" && !Array.isArray(node[leaf])) {
    node = node[leaf] as Json;
    leaf = "base";
  }
  const list = Array.isArray(node[leaf]) ? (node[leaf] as string[]) : [];
  if (!list.includes(message)) list.push(message);
  node[leaf] = list;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

export interface HeaderRule {
  name: string;
  lower: string;
  required: boolean;
  expected: string | undefined;
}

/** Header rules of each operation (X-API-Version on the balance query), resolved once. */
export function compileHeaderRules(contract: Contract): Map<string, HeaderRule[]> {
  return new Map(
    contract.operations.map((o) => [
      o.operationId,
      contract
        .parameters(o.operationId)
        .filter((p) => p.in === "header" && p.name !== "RequestID")
        .map((p) => ({
          name: p.name,
          lower: p.name.toLowerCase(),
          required: Boolean(p.required),
          expected: (p.schema as { const?: string }).const,
        })),
    ]),
  );
}

export function headerError(
  rules: readonly HeaderRule[] | undefined,
  headers: Record<string, string | string[] | undefined>,
): Json | undefined {
  for (const p of rules ?? []) {
    const value = headers[p.lower];
    if (
      (p.required && value === undefined) ||
      (p.expected !== undefined && value !== undefined && value !== p.expected)
    )
      return {
        message: `Header ${p.name} must be ${JSON.stringify(p.expected)}`,
        errors: { [p.name]: [p.expected ? `must be ${p.expected}` : "can't be blank"] },
      };
  }
  return undefined;
}
