/**
 * Fields an answer carries that the contract does not declare. A real gateway may send more than the
 * contract lists (a new optional field is not a departure), so these are shown as information, never
 * as failures. Computed by walking the schema beside the value: `properties` declare names,
 * `additionalProperties` (true or a schema) declares any, `allOf`/`oneOf`/`anyOf` branches all count.
 */
import type { Contract } from "@paycross/spec";

type Schema = Record<string, unknown>;
const MAX_FIELDS = 50;

function resolve(contract: Contract, schema: unknown, depth = 0): Schema | undefined {
  if (!schema || typeof schema !== "object" || depth > 20) return undefined;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref !== "string") return schema as Schema;
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  return resolve(contract, contract.document.components.schemas?.[name], depth + 1);
}

/** Every schema that applies to a value at this place (the schema itself and all its branches). */
function branches(contract: Contract, schema: unknown, depth = 0): Schema[] {
  const s = resolve(contract, schema);
  if (!s || depth > 20) return [];
  const out = [s];
  for (const key of ["allOf", "oneOf", "anyOf"] as const)
    for (const sub of (s[key] as unknown[] | undefined) ?? [])
      out.push(...branches(contract, sub, depth + 1));
  return out;
}

function walk(
  contract: Contract,
  schema: unknown,
  value: unknown,
  path: string,
  out: string[],
  depth: number,
) {
  if (out.length >= MAX_FIELDS || depth > 32 || value === null || typeof value !== "object") return;
  const all = branches(contract, schema);
  if (all.length === 0) return;
  if (Array.isArray(value)) {
    const items = all.map((s) => s.items).filter(Boolean);
    value.slice(0, 20).forEach((v, i) => {
      for (const item of items) walk(contract, item, v, `${path}/${i}`, out, depth + 1);
    });
    return;
  }
  if (all.some((s) => s.additionalProperties === true || typeof s.additionalProperties === "object")) return;
  for (const [key, v] of Object.entries(value)) {
    const declaring = all.filter((s) => s.properties && key in (s.properties as object));
    if (declaring.length === 0) {
      if (all.some((s) => s.properties || s.type === "object")) out.push(`${path}/${key}`);
      continue;
    }
    for (const s of declaring)
      walk(contract, (s.properties as Schema)[key], v, `${path}/${key}`, out, depth + 1);
  }
}

/** JSON pointers of the answer's undeclared fields (at most 50), or [] when no schema is declared. */
export function undeclaredFields(
  contract: Contract,
  operationId: string,
  status: number,
  body: unknown,
): string[] {
  const schema = contract.response(operationId, status)?.content?.["application/json"]?.schema;
  if (!schema) return [];
  const out: string[] = [];
  walk(contract, schema, body, "", out, 0);
  return [...new Set(out)];
}
