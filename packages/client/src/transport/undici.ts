/**
 * `@paycross/client/undici`: a transport on an undici keep-alive pool, several times faster than global
 * fetch. `undici` is an optional peer dependency: install it to use this entry point. Redirects are
 * never followed (`maxRedirections: 0` also turns off a redirect interceptor on a shared dispatcher), and
 * the body is read within `maxResponseBytes`.
 */
import { Agent, type Dispatcher, request } from "undici";
import { declaredTooLarge, type Transport, tooLarge } from "./types.js";

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
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);
    const headers = res.headers;
    const max = req.maxResponseBytes;
    const get = (name: string) => {
      const v = headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
    };
    return {
      status: res.statusCode,
      headers: { get },
      discard: () => void res.body.dump().catch(() => undefined),
      text: async () => {
        if (declaredTooLarge(get("content-length"), max)) {
          res.body.destroy();
          throw tooLarge(max, res.statusCode, `Content-Length ${get("content-length")}`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > max) {
            res.body.destroy();
            throw tooLarge(max, res.statusCode, `${size} B read`);
          }
          chunks.push(chunk);
        }
        return Buffer.concat(chunks).toString("utf8");
      },
    };
  }) as UndiciTransport;
  transport.close = async () => {
    await own?.close();
  };
  return transport;
}
