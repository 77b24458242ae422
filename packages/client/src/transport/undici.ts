/**
 * `@paycross/client/undici`: a transport on an undici keep-alive pool, several times faster than global
 * fetch. `undici` is an optional peer dependency: install it to use this entry point.
 */
import { Agent, type Dispatcher, request } from "undici";
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
  const dispatcher = options.dispatcher ?? own!;
  const transport = (async (req) => {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      dispatcher,
    });
    const headers = res.headers;
    return {
      status: res.statusCode,
      headers: {
        get(name: string) {
          const v = headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
        },
      },
      text: () => res.body.text(),
    };
  }) as UndiciTransport;
  transport.close = async () => {
    await own?.close();
  };
  return transport;
}
