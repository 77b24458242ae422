// The benchmarks, in the order they run and appear in BENCHMARKS.md.
import { client } from "./client.mjs";
import { conformance } from "./conformance.mjs";
import { gateway } from "./gateway.mjs";
import { pollerPolicy } from "./poller-policy.mjs";
import { scale } from "./scale.mjs";
import { webhooks } from "./webhooks.mjs";
import { workers } from "./workers.mjs";

export const SUITES = { gateway, client, poller: pollerPolicy, webhooks, scale, workers, conformance };
