/**
 * `@paycross/client/undici`: a transport on an undici keep-alive pool, several times faster than global
 * fetch. It talks to the dispatcher directly (no `request()` body stream): the answer's bytes are
 * counted as they arrive and the read stops past `maxResponseBytes`. Redirects are never followed
 * (`maxRedirections: 0` also turns off a redirect interceptor on a shared dispatcher of undici 6).
 */
import { Agent, type Dispatcher } from "undici";
import { dispatchTransport } from "./dispatch.js";
import type { Transport } from "./types.js";

export interface UndiciTransportOptions {
  /** An existing dispatcher (Agent, Pool) to share; otherwise one keep-alive Agent is made. */
  dispatcher?: Dispatcher;
  /** Connections per origin for the Agent this function makes. */
  connections?: number;
}

export interface UndiciTransport extends Transport {
  /** Closes the Agent this function made (not a dispatcher passed in). */
  close(): Promise<void>;
}

export function undiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const own = options.dispatcher
    ? undefined
    : new Agent({ connections: options.connections ?? 64, pipelining: 1 });
  const transport = dispatchTransport(options.dispatcher ?? own!) as UndiciTransport;
  transport.close = async () => {
    await own?.close();
  };
  return transport;
}
