/** Writing answers: JSON with its length, and a last resort when an answer cannot be rendered. */
import type { ServerResponse } from "node:http";
import type { Answer } from "../types.js";

export function reply(res: ServerResponse, answer: Answer): void {
  send(res, answer.status, answer.body);
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (e) {
    // Bodies are depth-capped at the door, so this is a bug; it must still answer, and say so.
    status = 500;
    text = JSON.stringify({ message: `mock gateway bug: answer not renderable (${(e as Error).message})` });
  }
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An answer after which the connection is closed (the request's body was not read to its end). */
export function sendAndClose(res: ServerResponse, status: number, message: string): void {
  send(res, status, { message, errors: { base: [message] } }, { connection: "close" });
}
