// Preloaded with --import: makes `@opentelemetry/*` unresolvable, as on a machine where the optional
// peer is not installed, and reports every attempt (and anything OpenTelemetry that loads anyway).
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
globalThis.__otelSeen = { attempts: [], loaded: [] };
port1.on("message", (m) => globalThis.__otelSeen[m.kind].push(m.what));
port1.unref();
register("./hooks.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });
