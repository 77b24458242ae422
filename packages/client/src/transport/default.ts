/**
 * The default transport: undici's dispatcher driven directly (see dispatch.ts), on a keep-alive Agent
 * made on the first request. undici is loaded then, not when the client module is imported, so a
 * client given `fetch` or a transport of its own never loads it. Node's http client (`nodeTransport`)
 * costs about twice the CPU per call; bench/suites/client.mjs measures both.
 */
import { DIRECT_SEND, type DirectSend, directSendOf, dispatchTransport } from "./dispatch.js";
import type { Transport } from "./types.js";

export function defaultTransport(connections = 64): Transport {
  let ready: Promise<DirectSend> | undefined;
  let direct: DirectSend | undefined;
  // The load is not counted in the first attempt's timeout: the deadline starts when the request does.
  const load = () =>
    (ready ??= import("undici").then(({ Agent }) => {
      direct = directSendOf(dispatchTransport(new Agent({ connections, pipelining: 1 })));
      return direct!;
    }));
  const send: DirectSend = (req, timeoutMs, signal) =>
    direct ? direct(req, timeoutMs, signal) : load().then((d) => d(req, timeoutMs, signal));
  // Through the public Transport signature (a caller of the function itself): the signal aborts it.
  const transport: Transport = ({ signal, ...req }) => send(req, undefined, signal);
  return Object.assign(transport, { [DIRECT_SEND]: send });
}
