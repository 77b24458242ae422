/** The shapes of the bundled OpenAPI document and of validation results. */
export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  tags?: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, OperationObject>>;
  webhooks: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseObject>;
    parameters: Record<string, ParameterObject>;
  };
}
export interface OperationObject {
  operationId: string;
  tags?: string[];
  summary?: string;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject | { $ref: string }>;
}
export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: JsonSchema;
}
export interface MediaTypeObject {
  schema?: JsonSchema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, { schema: JsonSchema; required?: boolean }>;
  content?: Record<string, MediaTypeObject>;
}

/** One operation of the contract, resolved. */
export interface Operation {
  operationId: string;
  method: "get" | "post";
  path: string;
  /** `async` for the twins under `/async` and for the async task endpoints. */
  mode: "sync" | "async";
  tags: string[];
  object: OperationObject;
}

/** A schema violation: where in the value, what rule, and where in the schema. */
export interface SchemaIssue {
  /** JSON pointer into the validated value, `""` for the root. */
  instancePath: string;
  /** JSON pointer into the schema that failed. */
  schemaPath: string;
  message: string;
}
