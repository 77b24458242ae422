export { PostgresStoreError, type PostgresStoreErrorCode } from "./errors.js";
export { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
export { type Lease, mergeFacts, type SharedTaskStore } from "./shared.js";
export { PostgresStore, type PostgresStoreOptions } from "./store.js";
