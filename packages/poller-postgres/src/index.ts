export { PostgresStoreError, type PostgresStoreErrorCode } from "./errors.js";
export { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";

export { PostgresStore, type PostgresStoreOptions } from "./store.js";
