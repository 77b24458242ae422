/** The suites, as a registry the runner loops over: each runs its scenarios; some also run last. */
import type { Context } from "../context.js";
import * as asyncSuite from "./async.js";
import * as auth from "./auth.js";
import { CHECKS, type SuiteName } from "./catalog.js";
import * as contract from "./contract.js";
import * as followup from "./followup.js";
import * as negative from "./negative.js";
import * as webhooks from "./webhooks.js";

export interface SuiteOptions {
  webhook?: webhooks.WebhookTarget | undefined;
}

export interface Suite {
  run(ctx: Context, options: SuiteOptions): Promise<void>;
  /** Scenarios that must not overlap others (they move the target's clock). */
  runLast?(ctx: Context): Promise<void>;
}

export const SUITE_REGISTRY: Record<Exclude<SuiteName, "run">, Suite> = {
  contract,
  async: asyncSuite,
  followup,
  auth,
  negative,
  webhooks: { run: (ctx, o) => webhooks.run(ctx, o.webhook) },
};

/** Every named check with its suite, in catalogue order. */
export const ALL_CHECKS = CHECKS.map((c) => ({ ...c, suite: c.id.slice(0, c.id.indexOf(".")) as SuiteName }));
export { CHECKS };
