/**
 * The default transport: Node's own http/https client on a keep-alive agent. It skips the WHATWG stream
 * machinery of global fetch, which costs more CPU per call than the whole rest of the client.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Transport } from "./types.js";

export interface NodeTransportOptions {
  /** Sockets per origin. Default 64. */
  maxSockets?: number;
}

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
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text =
              chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
            const h: IncomingHttpHeaders = res.headers;
            resolve({
              status: res.statusCode ?? 0,
              headers: {
                get(name: string) {
                  const v = h[name.toLowerCase()];
                  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
                },
              },
              text: () => Promise.resolve(text),
            });
          });
          res.on("aborted", () => reject(new Error("response aborted")));
        },
      );
      r.on("error", reject);
      r.end(req.body);
    });
}
