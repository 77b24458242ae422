/** Deliberately broken gateways: a proxy in front of the mock that breaks one rule of the contract. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type MockGateway, SkewClock, startMockGateway } from "@paycross/mock-gateway";

export type Breakage =
  | "none"
  | "drop_required_field"
  | "unknown_id_200"
  | "read_once_twice"
  | "status_backwards"
  | "text_html"
  | "server_error_on_bad_body"
  | "accepts_wrong_credentials"
  | "async_url_elsewhere"
  | "capture_as_payment"
  | "ignores_request_id"
  | "ignores_duplicate_check"
  | "allows_overdraft"
  | "result_200_once"
  | "result_hangs"
  | "non_json_2xx"
  | "extra_field";

/** The gateway's business refusals (over-capture, void after capture, …), not validation errors. */
const BUSINESS_REFUSAL = /^(Amount exceeds|Transaction can't be|Only an? |Duplicate request)/;
const CHILD_TYPE: Record<string, string> = { captures: "capture", voids: "void", refunds: "refund" };

/** The request as the gateway will see it: some breakages rewrite it on the way in. */
function rewriteRequest(breakage: Breakage, headers: Record<string, string>, raw: Buffer): Buffer {
  if (breakage === "ignores_request_id") delete headers.requestid;
  if (breakage === "ignores_duplicate_check" && raw.length) {
    try {
      const body = JSON.parse(raw.toString("utf8"));
      if (body?.request?.duplicate_check === true) body.request.duplicate_check = false;
      return Buffer.from(JSON.stringify(body));
    } catch {
      return raw;
    }
  }
  return raw;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

export async function brokenGateway(breakage: Breakage) {
  let gw: MockGateway | undefined;
  const memory: Memory = { errorResults: new Map(), completedOnce: new Set(), servedOnce: new Set() };
  const proxy = createServer(async (req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    const raw = rewriteRequest(breakage, headers, await body(req));
    // A result URL that never answers: the request is held until the proxy closes.
    if (breakage === "result_hangs" && /^\/async\/result\//.test(req.url ?? "")) return;
    if (breakage === "accepts_wrong_credentials")
      headers.authorization = `Basic ${Buffer.from(`${gw!.shopId}:${gw!.secretKey}`).toString("base64")}`;
    const upstream = await fetch(gw!.url + (req.url ?? "/"), {
      method: req.method ?? "GET",
      headers,
      body: raw.length ? raw.toString("utf8") : null,
    });
    let status = upstream.status;
    let text = await upstream.text();
    let contentType = upstream.headers.get("content-type") ?? "application/json";
    const path = req.url ?? "";
    const result = /^\/async\/result\/([^/?]+)/.exec(path);
    const statusPath = /^\/async\/status\/([^/?]+)/.exec(path);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const tx = json?.transaction as Record<string, unknown> | undefined;
    if (tx && status === 200) memory.template = tx;
    ({ status, text, contentType } = breakAnswer(breakage, memory, {
      status,
      text,
      contentType,
      json,
      tx,
      path,
      result,
      statusPath,
      raw,
      method: req.method ?? "GET",
    }));
    const out: Record<string, string> = { "content-type": contentType };
    const retryAfter = upstream.headers.get("retry-after");
    if (retryAfter) out["retry-after"] = retryAfter;
    res.writeHead(status, out);
    res.end(text);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  gw = await startMockGateway({
    clock: new SkewClock(),
    admin: true,
    asyncDelayMs: 60,
    incompleteResolveMs: 200,
    publicUrl: url,
  });
  return {
    url,
    gw,
    target: { baseUrl: url, shopId: gw.shopId, secretKey: gw.secretKey },
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      await gw!.close();
    },
  };
}

/** What the proxy remembers across answers (read-once results, completed tasks, a transaction to copy). */
interface Memory {
  errorResults: Map<string, { status: number; text: string }>;
  completedOnce: Set<string>;
  servedOnce: Set<string>;
  template?: Record<string, unknown>;
}

interface Answer {
  status: number;
  text: string;
  contentType: string;
  json: Record<string, unknown> | undefined;
  tx: Record<string, unknown> | undefined;
  path: string;
  result: RegExpExecArray | null;
  statusPath: RegExpExecArray | null;
  raw: Buffer;
  method: string;
}

/** The mock's answer as the broken gateway gives it. */
function breakAnswer(
  breakage: Breakage,
  m: Memory,
  a: Answer,
): Pick<Answer, "status" | "text" | "contentType"> {
  let { status, text, contentType } = a;
  const { json, tx, result, statusPath } = a;
  switch (breakage) {
    case "capture_as_payment":
      if (tx?.type === "capture") {
        tx.type = "payment";
        text = JSON.stringify(json);
      }
      break;
    case "allows_overdraft":
      ({ status, text } = overdraft(m, a));
      break;
    case "result_200_once":
      if (result && status === 200 && json && "transaction" in json) {
        if (m.servedOnce.has(result[1]!)) {
          status = 404;
          text = JSON.stringify({ status: "unknown", request_id: result[1] });
        }
        m.servedOnce.add(result[1]!);
      }
      break;
    case "extra_field":
      if (tx) {
        tx.acquirer_reference = "ARN-0001";
        text = JSON.stringify(json);
      }
      break;
    case "non_json_2xx":
      if (result && status === 200) text = "OK: transaction accepted";
      break;
    case "drop_required_field":
      if (json && typeof json.transaction === "object" && json.transaction) {
        delete (json.transaction as Record<string, unknown>).uid;
        text = JSON.stringify(json);
      }
      break;
    case "unknown_id_200":
      if ((result || statusPath) && status === 404) {
        status = 200;
        text = JSON.stringify({ status: "processing", request_id: (result ?? statusPath)![1] });
      }
      break;
    case "read_once_twice":
      if (result && status !== 200 && status !== 425 && status !== 404)
        m.errorResults.set(result[1]!, { status, text });
      if (result && status === 404 && m.errorResults.has(result[1]!))
        ({ status, text } = m.errorResults.get(result[1]!)!);
      break;
    case "status_backwards":
      if (statusPath && json?.status === "completed") {
        if (m.completedOnce.has(statusPath[1]!))
          text = JSON.stringify({ status: "processing", request_id: statusPath[1] });
        m.completedOnce.add(statusPath[1]!);
      }
      break;
    case "text_html":
      contentType = "text/html; charset=utf-8";
      break;
    case "server_error_on_bad_body":
      if (status === 422 && a.method === "POST" && !BUSINESS_REFUSAL.test(String(json?.message ?? ""))) {
        status = 500;
        text = JSON.stringify({ message: "We're sorry, but something went wrong" });
      }
      break;
    case "async_url_elsewhere":
      if (json && typeof json.status_url === "string") {
        json.status_url = String(json.status_url).replace(/^http:\/\/[^/]+/, "http://127.0.0.2:9");
        text = JSON.stringify(json);
      }
      break;
  }
  return { status, text, contentType };
}

/** A refused capture, void or refund of more than is left, answered as if it succeeded. */
function overdraft(m: Memory, a: Answer): Pick<Answer, "status" | "text"> {
  const child = /^\/transactions\/(captures|voids|refunds)$/.exec(a.path);
  const refusal = BUSINESS_REFUSAL.test(String(a.json?.message ?? ""));
  if (!child || a.status !== 422 || !refusal || !m.template) return a;
  const request = JSON.parse(a.raw.toString("utf8")).request;
  const transaction = {
    ...m.template,
    uid: crypto.randomUUID(),
    type: CHILD_TYPE[child[1]!],
    amount: request.amount,
    parent_uid: request.parent_uid,
    status: "successful",
  };
  return { status: 200, text: JSON.stringify({ transaction }) };
}
