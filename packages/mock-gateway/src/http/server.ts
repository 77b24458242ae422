/** The node:http server: timeouts against slow clients, 400/408 for broken framing, socket tracking for close(). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { answerBug } from "./respond.js";

export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  requestTimeoutMs: number,
): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      keepAliveTimeout: 5_000,
      // A client that sends part of a request and stops gets 408 instead of holding a socket forever.
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(10_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    },
    (req, res) => {
      try {
        handle(req, res);
      } catch (e) {
        answerBug(res, e);
      }
    },
  );
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Malformed framing (Content-Length with Transfer-Encoding, a bad chunk, a bad header): 400, then close.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" && socket.writable) {
      socket.end("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    } else if (socket.writable) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    } else socket.destroy();
  });
  return { server, sockets };
}
