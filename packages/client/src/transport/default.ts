/**
 * The default transport: undici's dispatcher driven directly (see dispatch.ts), on a keep-alive Agent
 * made on the first request. undici is loaded then, not when the client module is imported, so a
 * client given `fetch` or a transport of its own never loads it. Node's http client (`nodeTransport`)
 * costs about twice the CPU per call; bench/suites/client.mjs measures both.
 */
import { dispatchTransport } from "./dispatch.js";
import type { Transport } from "./types.js";

export function defaultTransport(connections = 64): Transport {
  let ready: Promise<Transport> | undefined;
  let transport: Transport | undefined;
  return (req) => {
    if (transport) return transport(req);
    ready ??= import("undici").then(({ Agent }) => {
      transport = dispatchTransport(new Agent({ connections, pipelining: 1 }));
      return transport;
    });
    return ready.then((t) => t(req));
  };
}
