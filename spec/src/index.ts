/**
 * The PayCross contract at run time: the bundled OpenAPI document, the catalogue of operations, and
 * JSON Schema 2020-12 validators compiled from it once per process. The mock gateway validates requests
 * with it, the conformance app validates answers with it, and the tests of every package use it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { FormatsPlugin } from "ajv-formats";
import type {
  JsonSchema,
  OpenApiDocument,
  Operation,
  ParameterObject,
  ResponseObject,
  SchemaIssue,
} from "./types.js";
import { findUnknownFields } from "./unknown-fields.js";

export {
  ASYNC_TASK_OPERATIONS,
  OPERATION_CATALOG,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationEntry,
  type OperationName,
  type OperationRequestBody,
  type OperationResponseBody,
} from "./catalogue.js";
/** The OpenAPI types generated from the contract (openapi-typescript); `paths` is what openapi-fetch takes. */
export type { components, operations, paths, webhooks } from "./generated/schema.js";
export type { RefResolver, SchemaMatcher } from "./unknown-fields.js";

// ajv-formats is CommonJS whose default export does not survive NodeNext's ESM interop typing.
const addFormats = createRequire(import.meta.url)("ajv-formats") as FormatsPlugin;

export type {
  JsonSchema,
  MediaTypeObject,
  OpenApiDocument,
  Operation,
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaIssue,
} from "./types.js";

// Resolves from both src/ (tests) and dist/ (the published build).
const documentUrl = new URL("../dist/openapi.json", import.meta.url);

let cachedDocument: OpenApiDocument | undefined;
/** The bundled OpenAPI 3.1 document (parsed once). */
export function loadDocument(): OpenApiDocument {
  cachedDocument ??= JSON.parse(readFileSync(documentUrl, "utf8")) as OpenApiDocument;
  return cachedDocument;
}

const SCHEMAS_ID = "https://contract.paycross.invalid/schemas.json";
const METHODS = ["get", "post"] as const;

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")
          ? `${SCHEMAS_ID}#/$defs/${value.slice("#/components/schemas/".length)}`
          : rewriteRefs(value);
    }
    return out;
  }
  return node;
}

function resolveRef<T>(doc: OpenApiDocument, node: T | { $ref: string }): T {
  if (node && typeof node === "object" && "$ref" in node) {
    const parts = node.$ref.replace(/^#\//, "").split("/");
    let cur: unknown = doc;
    for (const part of parts) cur = (cur as Record<string, unknown>)[part];
    if (cur === undefined) throw new Error(`unresolvable $ref ${node.$ref}`);
    return cur as T;
  }
  return node as T;
}

function toIssues(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  return (errors ?? []).map((e) => ({
    instancePath: e.instancePath,
    schemaPath: e.schemaPath,
    message: e.message ?? "is invalid",
  }));
}

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
}

/**
 * The contract with its validators. Every schema is compiled on first use and kept, so a server or a
 * conformance run pays for compilation once; `precompile()` pays it all up front.
 */
export class Contract {
  readonly document: OpenApiDocument;
  readonly operations: readonly Operation[];
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly byId = new Map<string, Operation>();
  private readonly compiledPaths: CompiledPath[];
  /** Paths without parameters, looked up before any regex: most requests hit one of these. */
  private readonly literalPaths = new Map<string, string>();

  constructor(document: OpenApiDocument = loadDocument()) {
    this.document = document;
    this.ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      strictTuples: false,
    });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(document.components.schemas) as object });
    const ops: Operation[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const object = item[method];
        if (!object) continue;
        const op: Operation = {
          operationId: object.operationId,
          method,
          path,
          mode: path.startsWith("/async/") ? "async" : "sync",
          tags: object.tags ?? [],
          object,
        };
        ops.push(op);
        this.byId.set(op.operationId, op);
      }
    }
    this.operations = ops;
    this.compiledPaths = Object.keys(document.paths)
      .map((template) => {
        const names: string[] = [];
        const pattern = template
          .split("/")
          .map((seg) => {
            const m = /^\{(.+)\}$/.exec(seg);
            if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            names.push(m[1]!);
            return "([^/]+)";
          })
          .join("/");
        return {
          template,
          regex: new RegExp(`^${pattern}$`),
          names,
          literalSegments: template.split("/").filter((s) => s && !s.startsWith("{")).length,
        };
      })
      // A literal path (`/transactions/payments`) wins over a templated one (`/transactions/{uid}`).
      .sort((a, b) => b.literalSegments - a.literalSegments);
    for (const template of Object.keys(document.paths))
      if (!template.includes("{")) this.literalPaths.set(template, template);
  }

  operation(operationId: string): Operation {
    const op = this.byId.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in the contract`);
    return op;
  }

  /** Which operation serves `method pathname`, with its decoded path parameters. */
  match(
    method: string,
    pathname: string,
  ):
    | { operation: Operation; params: Record<string, string> }
    | { operation: undefined; pathExists: boolean } {
    const lower = method.toLowerCase();
    const literal = this.literalPaths.get(pathname);
    if (literal !== undefined) {
      const object = this.document.paths[literal]?.[lower];
      return object
        ? { operation: this.operation(object.operationId), params: {} }
        : { operation: undefined, pathExists: true };
    }
    for (const p of this.compiledPaths) {
      const m = p.regex.exec(pathname);
      if (!m) continue;
      const object = this.document.paths[p.template]?.[lower];
      if (!object) return { operation: undefined, pathExists: true };
      const params: Record<string, string> = {};
      p.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]!);
      });
      return { operation: this.operation(object.operationId), params };
    }
    return { operation: undefined, pathExists: false };
  }

  /** Validate a value against a named component schema (`Transaction`, `ErrorResponse` ...). */
  validateSchema(name: string, value: unknown): SchemaIssue[] {
    return this.run(`schema:${name}`, () => ({ $ref: `${SCHEMAS_ID}#/$defs/${name}` }), value);
  }

  /** Validate a request body against the operation's request schema. */
  validateRequestBody(operationId: string, body: unknown): SchemaIssue[] {
    const op = this.operation(operationId);
    const schema = op.object.requestBody?.content["application/json"]?.schema;
    if (!schema) return [];
    return this.run(`request:${operationId}`, () => rewriteRefs(schema) as JsonSchema, body);
  }

  /** The response object the contract declares for a status, or undefined when the status is not allowed. */
  response(operationId: string, status: number): ResponseObject | undefined {
    const op = this.operation(operationId);
    const raw = op.object.responses[String(status)] ?? op.object.responses[`${String(status)[0]}XX`];
    return raw ? resolveRef<ResponseObject>(this.document, raw) : undefined;
  }

  /** The HTTP statuses the contract allows for an operation. */
  statuses(operationId: string): number[] {
    return Object.keys(this.operation(operationId).object.responses).map(Number);
  }

  /** Validate a response body against the schema declared for `status`; undefined when none is declared. */
  validateResponseBody(operationId: string, status: number, body: unknown): SchemaIssue[] | undefined {
    const schema = this.response(operationId, status)?.content?.["application/json"]?.schema;
    if (!schema) return undefined;
    return this.run(`response:${operationId}:${status}`, () => rewriteRefs(schema) as JsonSchema, body);
  }

  /** Validate a value against an inline schema of the document (refs into components resolve). */
  validateResponseBodyAgainst(schema: JsonSchema, value: unknown): SchemaIssue[] {
    return this.run(`inline:${JSON.stringify(schema)}`, () => rewriteRefs(schema) as JsonSchema, value);
  }

  /**
   * The JSON pointers of the properties in `value` that `schema` does not declare: information (a gateway
   * may add optional fields), not a departure from the contract. Schema errors are `validate*`'s job.
   */
  unknownFields(schema: JsonSchema, value: unknown): string[] {
    return findUnknownFields(
      schema,
      value,
      (ref) => resolveRef<JsonSchema>(this.document, { $ref: ref }),
      (branch, v) => this.branchMatches(branch, v),
    );
  }

  /** Undeclared properties of a response body; undefined when the status declares no JSON body. */
  unknownResponseFields(operationId: string, status: number, body: unknown): string[] | undefined {
    const schema = this.response(operationId, status)?.content?.["application/json"]?.schema;
    return schema ? this.unknownFields(schema, body) : undefined;
  }

  /** Undeclared properties of a request body. */
  unknownRequestFields(operationId: string, body: unknown): string[] {
    const schema = this.operation(operationId).object.requestBody?.content["application/json"]?.schema;
    return schema ? this.unknownFields(schema, body) : [];
  }

  /** Undeclared properties of a value of a named component schema (`TransactionResponse` for a webhook). */
  unknownSchemaFields(name: string, value: unknown): string[] {
    return this.unknownFields({ $ref: `#/components/schemas/${name}` }, value);
  }

  /** The resolved parameters of an operation (path, header). */
  parameters(operationId: string): ParameterObject[] {
    return (this.operation(operationId).object.parameters ?? []).map((p) =>
      resolveRef<ParameterObject>(this.document, p),
    );
  }

  /** Compile every request and response validator now, so that no request pays for compilation. */
  precompile(): this {
    for (const op of this.operations) {
      this.validateRequestBody(op.operationId, undefined);
      for (const status of this.statuses(op.operationId))
        this.validateResponseBody(op.operationId, status, undefined);
    }
    return this;
  }

  // A oneOf/anyOf branch alone is not a valid strict schema (`required` without `type`): a second, lenient
  // Ajv decides which branch a body took.
  private lenient: { ajv: Ajv2020; cache: Map<string, ValidateFunction> } | undefined;
  private branchMatches(branch: JsonSchema, value: unknown): boolean {
    if (!this.lenient) {
      const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
      addFormats(ajv);
      ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(this.document.components.schemas) as object });
      this.lenient = { ajv, cache: new Map() };
    }
    const key = JSON.stringify(branch);
    let validate = this.lenient.cache.get(key);
    if (!validate) {
      validate = this.lenient.ajv.compile(rewriteRefs(branch) as JsonSchema);
      this.lenient.cache.set(key, validate);
    }
    return validate(value) === true;
  }

  private run(key: string, schema: () => JsonSchema, value: unknown): SchemaIssue[] {
    let validate = this.validators.get(key);
    if (!validate) {
      // Most operations share a schema (`{$ref: TransactionResponse}`): compile each distinct one once.
      const resolved = schema();
      const text = JSON.stringify(resolved);
      validate = this.validators.get(text) ?? this.ajv.compile(resolved);
      this.validators.set(text, validate);
      this.validators.set(key, validate);
    }
    return validate(value) ? [] : toIssues(validate.errors);
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

let shared: Contract | undefined;
/** The process-wide contract, built on first use. */
export function getContract(): Contract {
  shared ??= new Contract();
  return shared;
}
