/**
 * Loopback servers that misbehave on purpose, for tests of what a client does when the other side is
 * hostile or broken: huge or endless bodies, redirects, resets, hangs, echoes of what was sent.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type HostileBehaviour =
  /** A 200 JSON-typed body of `bytes` bytes (default 64 MiB), streamed in 64 KiB chunks. */
  | { kind: "huge"; bytes?: number }
  /** A 200 whose body never ends (a chunk every `intervalMs`, default 1 ms) until the client goes away. */
  | { kind: "endless"; intervalMs?: number }
  /** A redirect (default 307) to `location`. */
  | { kind: "redirect"; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** The socket is destroyed as soon as the request head arrives. */
  | { kind: "reset" }
  /** Headers are never sent; the connection stays open until the server closes. */
  | { kind: "hang" }
  /** A 200 JSON answer echoing the request's method, url, headers and body (tests look for leaked secrets). */
  | { kind: "echo"; status?: number };

export interface HostileRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HostileServer {
  readonly url: string;
  /** Requests whose body was read in full (all but `reset` and `hang`, which answer before the body). */
  readonly requests: readonly HostileRequest[];
  /** Count of connections opened, including ones reset or left hanging. */
  readonly connections: number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, "x");

export async function startHostileServer(behaviour: HostileBehaviour): Promise<HostileServer> {
  const requests: HostileRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  const server = createServer((req, res) => {
    if (behaviour.kind === "reset") return req.socket.destroy();
    if (behaviour.kind === "hang") return;
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(seen);
      switch (behaviour.kind) {
        case "redirect":
          res.writeHead(behaviour.status ?? 307, { location: behaviour.location }).end();
          return;
        case "echo":
          res.writeHead(behaviour.status ?? 200, { "content-type": "application/json" });
          res.end(JSON.stringify(seen));
          return;
        case "huge":
          return streamBytes(res, behaviour.bytes ?? 64 * 2 ** 20);
        case "endless": {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"transaction":{"message":"');
          const t = setInterval(() => res.write(CHUNK), behaviour.intervalMs ?? 1);
          timers.add(t);
          res.on("close", () => {
            clearInterval(t);
            timers.delete(t);
          });
        }
      }
    });
  });
  server.on("connection", (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `bytes` bytes with back-pressure, so the server itself never buffers the whole body. */
function streamBytes(res: import("node:http").ServerResponse, bytes: number): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes) });
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once("drain", pump);
    }
    res.end();
  };
  res.on("close", () => {
    left = 0;
  });
  pump();
}
