/**
 * The default transport: Node's own http/https client on a keep-alive agent. It skips the WHATWG stream
 * machinery of global fetch, which costs more CPU per call than the whole rest of the client. Node's
 * client never follows redirects; the body is read within `maxResponseBytes`, and every event handler
 * settles the promise instead of throwing (an exception there would escape the caller's try/catch).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { declaredTooLarge, type Transport, type TransportResponse, tooLarge } from "./types.js";

export interface NodeTransportOptions {
  /** Sockets per origin. Default 64. */
  maxSockets?: number;
}

const headerGetter = (h: IncomingHttpHeaders): TransportResponse["headers"] => ({
  get(name: string) {
    const v = h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  },
});

export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const agents = {
    "http:": new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }),
    "https:": new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }),
  };
  return (req) =>
    new Promise((resolve, reject) => {
      const url = new URL(req.url);
      const isHttps = url.protocol === "https:";
      if (!isHttps && url.protocol !== "http:")
        return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
      const max = req.maxResponseBytes;
      const send = isHttps ? httpsRequest : httpRequest;
      const r = send(
        url,
        {
          method: req.method,
          headers,
          agent: agents[url.protocol as "http:" | "https:"],
          signal: req.signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const fail = (error: unknown) => {
            // Rejected first: destroying emits errors of its own, which must not replace this one.
            reject(error);
            // Destroying the socket stops an endless or oversized body at once; it is never reused.
            res.destroy();
            r.destroy();
          };
          if (declaredTooLarge(res.headers["content-length"], max))
            return fail(tooLarge(max, status, `Content-Length ${res.headers["content-length"]}`));
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > max) fail(tooLarge(max, status, `${size} B read`));
            else chunks.push(c);
          });
          res.on("error", reject);
          res.on("aborted", () => reject(new Error("response aborted")));
          res.on("end", () => {
            try {
              const text =
                chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
              resolve({ status, headers: headerGetter(res.headers), text: () => Promise.resolve(text) });
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      r.on("error", reject);
      r.end(req.body);
    });
}
