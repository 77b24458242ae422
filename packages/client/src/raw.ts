/**
 * `client.raw`: openapi-fetch's typed `GET`/`POST` with the client's pipeline plugged in as its `fetch`.
 * The body openapi-fetch serialized is sent as it is (once), and the answer handed back as it came.
 */

import type { paths } from "@paycross/spec/types";
import createFetchClient, { type Client as FetchClient } from "openapi-fetch";
import type { CallFn } from "./client.js";
import type { Redactor } from "./redact.js";

export function createRawClient(baseUrl: string, call: CallFn, redact: Redactor): FetchClient<paths> {
  return createFetchClient<paths>({
    baseUrl,
    // Every raw call goes through the same pipeline; POSTs get an idempotency key unless they carry one.
    fetch: async (input: Request) => {
      const method = input.method.toUpperCase() === "POST" ? "POST" : "GET";
      const payload = method === "POST" ? await input.text() : undefined;
      const headers: Record<string, string> = {};
      input.headers.forEach((v, k) => {
        headers[k] = v;
      });
      const { requestid, ...rest } = headers;
      const res = await call(
        method,
        input.url,
        {
          signal: input.signal,
          headers: rest,
          ...(requestid !== undefined ? { idempotencyKey: requestid } : {}),
        },
        {
          payload: payload || undefined,
          retry: method === "GET" && input.url.includes("/async/result/") ? "read-once" : "idempotent",
          anyStatus: true,
        },
      );
      const idempotencyKey = res.idempotencyKey;
      const responseHeaders = new Headers({ "content-type": "application/json" });
      if (idempotencyKey) responseHeaders.set("RequestID", idempotencyKey);
      // An error body is what ends up in logs: it is redacted, like the body of every thrown error.
      const ok = res.status >= 200 && res.status < 300;
      const text = ok || res.body === undefined ? res.text : JSON.stringify(redact.value(res.body));
      return new Response(text === "" ? null : text, { status: res.status, headers: responseHeaders });
    },
  });
}
