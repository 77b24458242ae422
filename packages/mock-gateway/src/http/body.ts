/**
 * Reading a request body within a byte cap. A declared Content-Length over the cap is refused before a
 * byte is read; a streamed body is cut the moment it passes the cap. Either way the connection is
 * closed after the answer, since the rest of the body is never read.
 */
import type { IncomingMessage } from "node:http";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1_000_000;

export type Body = { ok: true; raw: Buffer } | { ok: false; status: 400 | 413; message: string };

const EMPTY = Buffer.alloc(0);

/**
 * Reads the body and calls `done` once, with the bytes or the reason there are none. A callback, not a
 * promise: the mock answers most requests in the same tick the body ends, and a promise per request
 * (with its microtask) was a measurable share of its plumbing.
 */
export function readBody(req: IncomingMessage, limit: number, done: (body: Body) => void): void {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    done(tooLarge(limit));
    return;
  }
  // Node has already answered 400 to malformed framing; a GET without a body ends at once.
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const settle = (body: Body) => {
    if (settled) return;
    settled = true;
    req.removeListener("data", onData);
    done(body);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      // Stop buffering at once; what is left of the body is never read.
      first = chunks = undefined;
      req.pause();
      settle(tooLarge(limit));
    } else if (first === undefined) first = chunk;
    else {
      chunks ??= [first];
      chunks.push(chunk);
    }
  };
  req.on("data", onData);
  req.on("end", () => settle({ ok: true, raw: chunks ? Buffer.concat(chunks) : (first ?? EMPTY) }));
  // A client that goes away mid-body makes node emit 'error' ("aborted") here, since it has a listener;
  // the deprecated 'aborted' event would only say it twice.
  req.on("error", () => settle({ ok: false, status: 400, message: "Request body could not be read" }));
}

function tooLarge(limit: number): Body {
  return { ok: false, status: 413, message: `Request body is larger than ${limit} bytes` };
}

/** JSON or not said: a body typed as anything else is refused (415) instead of guessed at. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === "application/json") return true; // what nearly every client sends
  if (header === undefined || header.trim() === "") return true;
  const type = header.split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}
