import type { CheckInfo, SuiteName } from "../types.js";
import * as asyncSuite from "./async.js";
import * as auth from "./auth.js";
import * as contract from "./contract.js";
import * as followup from "./followup.js";
import * as negative from "./negative.js";
import * as webhooks from "./webhooks.js";

/** Every named check, by suite, in the order they run. */
export const SUITE_MODULES = {
  contract,
  async: asyncSuite,
  followup,
  auth,
  negative,
  webhooks,
} as const satisfies Record<SuiteName, { CHECKS: CheckInfo[] }>;
export const ALL_CHECKS: CheckInfo[] = Object.values(SUITE_MODULES).flatMap((m) => m.CHECKS);
