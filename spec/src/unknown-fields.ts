/**
 * Fields a body carries that the contract does not declare. They are not departures from the contract
 * (objects are open unless the contract says otherwise): a gateway may add an optional field we did not
 * list. The conformance report shows them as information, apart from schema errors.
 */
import type { JsonSchema } from "./types.js";

/** Whether `value` validates against `schema`: used to pick the `oneOf`/`anyOf` branch a body took. */
export type SchemaMatcher = (schema: JsonSchema, value: unknown) => boolean;
/** Resolves a `$ref` of the document (`#/components/schemas/X`) to its schema. */
export type RefResolver = (ref: string) => JsonSchema;

// Deeper bodies are not walked further: the walk is bounded by the value, and by this for hostile input.
const MAX_DEPTH = 64;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 6901 escaping of one path segment. */
const escapeSegment = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The JSON pointers of every property in `value` that `schema` does not declare. A property counts as
 * declared when it is named in `properties`, or when its object declares `additionalProperties` (a free-form
 * map such as `additional_data` or field errors). An object whose schema names no properties at all is not
 * judged. `allOf` members are merged; of `oneOf`/`anyOf`, the branches the value matches are used.
 */
export function findUnknownFields(
  schema: JsonSchema,
  value: unknown,
  resolve: RefResolver,
  matches: SchemaMatcher,
): string[] {
  const found: string[] = [];
  walk(schema, value, "", 0, { resolve, matches, found });
  return found;
}

interface Walk {
  resolve: RefResolver;
  matches: SchemaMatcher;
  found: string[];
}

function walk(schema: JsonSchema, value: unknown, pointer: string, depth: number, w: Walk): void {
  if (depth > MAX_DEPTH) return;
  const flat = flatten(schema, value, w, 0);
  if (Array.isArray(value)) {
    const items = flat.items;
    if (isObject(items))
      for (const [i, v] of value.entries()) walk(items, v, `${pointer}/${i}`, depth + 1, w);
    return;
  }
  if (!isObject(value)) return;
  const properties = (flat.properties ?? {}) as Record<string, JsonSchema>;
  const additional = flat.additionalProperties;
  const judged = flat.properties !== undefined || additional !== undefined;
  for (const [key, child] of Object.entries(value)) {
    const here = `${pointer}/${escapeSegment(key)}`;
    const declared = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (declared) walk(declared, child, here, depth + 1, w);
    else if (isObject(additional)) walk(additional, child, here, depth + 1, w);
    else if (judged && additional === undefined) w.found.push(here);
  }
}

/**
 * One schema with `$ref`, `allOf` and the matching `oneOf`/`anyOf` branches folded in: properties united
 * (a property named twice gets both schemas as `allOf`), the object open if any part declares it open.
 */
function flatten(schema: JsonSchema, value: unknown, w: Walk, depth: number): JsonSchema {
  if (depth > MAX_DEPTH) return {};
  const parts: JsonSchema[] = [];
  const ref = schema.$ref;
  if (typeof ref === "string") parts.push(flatten(w.resolve(ref), value, w, depth + 1));
  for (const member of (schema.allOf as JsonSchema[] | undefined) ?? [])
    parts.push(flatten(member, value, w, depth + 1));
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = schema[key] as JsonSchema[] | undefined;
    if (!branches) continue;
    const taken = branches.filter((b) => w.matches(b, value));
    for (const branch of taken.length > 0 ? taken : branches)
      parts.push(flatten(branch, value, w, depth + 1));
  }
  return parts.reduce(merge, own(schema));
}

function own(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (schema.properties !== undefined) out.properties = schema.properties;
  if (schema.additionalProperties !== undefined) out.additionalProperties = schema.additionalProperties;
  if (schema.items !== undefined) out.items = schema.items;
  return out;
}

function merge(a: JsonSchema, b: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...a };
  if (b.properties !== undefined) {
    const props = { ...((a.properties as Record<string, JsonSchema> | undefined) ?? {}) };
    for (const [key, s] of Object.entries(b.properties as Record<string, JsonSchema>))
      props[key] = props[key] ? { allOf: [props[key], s] } : s;
    out.properties = props;
  }
  if (b.additionalProperties !== undefined && b.additionalProperties !== false)
    out.additionalProperties =
      isObject(a.additionalProperties) && isObject(b.additionalProperties)
        ? { allOf: [a.additionalProperties, b.additionalProperties] }
        : b.additionalProperties;
  if (b.items !== undefined) out.items = a.items ? { allOf: [a.items, b.items] } : b.items;
  return out;
}
