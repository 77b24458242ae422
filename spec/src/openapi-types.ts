/**
 * `@paycross/spec/types`: the OpenAPI types generated from the contract (`src/generated/schema.d.ts`),
 * and nothing else. Types only: its JavaScript is an empty module, so it loads neither ajv nor the
 * bundled document. `@paycross/client` re-exports these (inlined into its own declarations when built).
 */
export type { components, operations, paths, webhooks } from "./generated/schema.js";
