/** A raw HTTP/1.1 exchange over a loopback socket: for framing that fetch will not produce. */
import { connect } from "node:net";

export interface RawAnswer {
  /** e.g. `HTTP/1.1 413 Payload Too Large`; "" when nothing came back. */
  statusLine: string;
  status: number | undefined;
  /** The server closed the connection. */
  closed: boolean;
  /** Bytes this side managed to write before the answer or the close. */
  written: number;
  text: string;
}

/**
 * Writes `head`, then `body` pieces (a generator may write forever), until the server answers and
 * closes or `waitMs` passes. Never throws.
 */
export function rawExchange(
  port: number,
  head: string,
  body: Iterable<string | Buffer> = [],
  waitMs = 5_000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let written = 0;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const statusLine = text.split("\r\n", 1)[0] ?? "";
      const m = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
      resolve({ statusLine, status: m ? Number(m[1]) : undefined, closed, written, text });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on("data", (d) => {
      text += d.toString("latin1");
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => undefined);
    const pieces = body[Symbol.iterator]();
    const pump = () => {
      while (!done) {
        const next = pieces.next();
        if (next.done) return;
        written += Buffer.byteLength(next.value);
        if (!socket.write(next.value)) return void socket.once("drain", pump);
      }
    };
    socket.on("connect", () => {
      written += Buffer.byteLength(head);
      socket.write(head);
      pump();
    });
  });
}

export function requestHead(
  method: string,
  path: string,
  authorization: string,
  headers: Record<string, string> = {},
): string {
  const all = { host: "127.0.0.1", authorization, ...headers };
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
}
