/**
 * Internals the public entry used to export. Sibling packages move to `@paycross/client/internal`;
 * these aliases stay until they have (then they go, in a major release).
 */
import { errorClassForStatus as errorClassForStatusImpl } from "./errors.js";
import { createRedactor as createRedactorImpl } from "./redact.js";
import * as retry from "./retry.js";

/** @deprecated Import from `@paycross/client/internal`. */
export const createRedactor = createRedactorImpl;
/** @deprecated Import from `@paycross/client/internal`. */
export const sleep = retry.sleep;
/** @deprecated Import from `@paycross/client/internal`. */
export const backoffDelay = retry.backoffDelay;
/** @deprecated Import from `@paycross/client/internal`. */
export const parseRetryAfter = retry.parseRetryAfter;
/** @deprecated Import from `@paycross/client/internal`. */
export const MAX_TIMER_MS = retry.MAX_TIMER_MS;
/** @deprecated Import from `@paycross/client/internal`. */
export const DEFAULT_RETRY = retry.DEFAULT_RETRY;
/** @deprecated Use `errorForStatus` from `@paycross/client/internal`. */
export const errorClassForStatus = errorClassForStatusImpl;
