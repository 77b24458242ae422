// The benchmarks, in the order they run and appear in BENCHMARKS.md. Each is loaded only when it runs:
// a suite's imports (the poller's dist, PostgreSQL helpers, Prism) must not break `--only` of another.
export const SUITES = {
  gateway: async () => (await import("./gateway.mjs")).gateway,
  client: async () => (await import("./client.mjs")).client,
  poller: async () => (await import("./poller-policy.mjs")).pollerPolicy,
  webhooks: async () => (await import("./webhooks.mjs")).webhooks,
  scale: async () => (await import("./scale.mjs")).scale,
  workers: async () => (await import("./workers.mjs")).workers,
  conformance: async () => (await import("./conformance.mjs")).conformance,
};
