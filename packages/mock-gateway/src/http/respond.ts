/** Writing answers: JSON with its length, and a last resort when an answer cannot be rendered. */
import type { ServerResponse } from "node:http";
import type { Answer } from "../types.js";

const CONTENT_TYPE = "application/json; charset=utf-8";

export function reply(res: ServerResponse, answer: Answer): void {
  if (answer.json !== undefined) write(res, answer.status, answer.json);
  else send(res, answer.status, answer.body);
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
  write(res, status, text, headers);
}

/** One `writeHead` with a flat header array (no header object to walk) and one `end`. */
function write(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
  const list = ["content-type", CONTENT_TYPE, "content-length", String(Buffer.byteLength(text))];
  if (headers) for (const [k, v] of Object.entries(headers)) list.push(k, v);
  res.writeHead(status, list);
  res.end(text);
}

/** An answer after which the connection is closed (the request's body was not read to its end). */
export function sendAndClose(res: ServerResponse, status: number, message: string): void {
  send(res, status, { message, errors: { base: [message] } }, { connection: "close" });
}

/** A bug in the mock must still answer (and say so), never hang the caller nor crash the process. */
export function answerBug(res: ServerResponse, e: unknown): void {
  if (!res.headersSent)
    send(res, 500, { message: `mock gateway bug: ${(e as Error)?.message ?? String(e)}` });
  else res.destroy();
}
