import packageJson from "../../package.json" with { type: "json" };
import type { RunReport } from "../runner.js";

/** HAR 1.2 of every exchange of the run (already redacted). */
export function har(report: RunReport): string {
  const entries = report.exchanges.map((e) => {
    const url = new URL(e.url);
    return {
      startedDateTime: e.startedAt,
      time: e.durationMs,
      request: {
        method: e.method,
        url: e.url,
        httpVersion: "HTTP/1.1",
        headers: Object.entries(e.requestHeaders).map(([name, value]) => ({ name, value })),
        queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
        cookies: [],
        headersSize: -1,
        bodySize: e.requestBody?.length ?? 0,
        ...(e.requestBody !== undefined
          ? { postData: { mimeType: "application/json", text: e.requestBody } }
          : {}),
      },
      response: {
        status: e.status ?? 0,
        statusText: e.error ?? "",
        httpVersion: "HTTP/1.1",
        headers: Object.entries(e.responseHeaders).map(([name, value]) => ({ name, value })),
        cookies: [],
        content: {
          size: e.responseBody.length,
          mimeType: e.responseHeaders["content-type"] ?? "",
          text: e.responseBody,
        },
        redirectURL: "",
        headersSize: -1,
        bodySize: e.responseBody.length,
      },
      cache: {},
      timings: { send: 0, wait: e.durationMs, receive: 0 },
    };
  });
  return `${JSON.stringify({ log: { version: "1.2", creator: { name: "paycross-conformance", version: packageJson.version }, entries } }, null, 2)}\n`;
}
