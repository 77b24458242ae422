/** OpenTelemetry client spans, read back with the SDK's in-memory exporter. */
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadOtelApi } from "../src/core/tracing.js";
import { createClient } from "../src/index.js";
import { reply, scriptedServer } from "./server.js";

const SECRET = "sk_live_trace_secret_987";
const PAN = "4200000000000000";
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});
beforeEach(async () => {
  exporter.reset();
  server = await scriptedServer();
});
afterEach(() => server.close());

const payment = {
  amount: 100,
  currency: "USD",
  description: "traced",
  credit_card: { number: PAN, verification_value: "123", exp_month: "05", exp_year: "2030" },
};

describe("OpenTelemetry", () => {
  it("one CLIENT span per attempt with HTTP semantic-convention attributes and the resend count", async () => {
    server.next(reply(503, { message: "busy" }, { "retry-after": "0" }));
    const client = createClient({
      shopId: 1,
      secretKey: SECRET,
      baseUrl: server.url,
      retry: { baseDelayMs: 1 },
    });
    await client.payments.create(payment, { idempotencyKey: "trace-1" });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    const port = Number(new URL(server.url).port);
    expect(spans[0]).toMatchObject({ name: "POST", kind: 2, status: { code: 2 } });
    expect(spans[0]?.attributes).toEqual({
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "server.port": port,
      "http.response.status_code": 503,
      "error.type": "503",
    });
    expect(spans[1]?.attributes).toEqual({
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "server.port": port,
      "http.request.resend_count": 1,
      "http.response.status_code": 200,
    });
  });

  it("a failure without an answer is named by a low-cardinality error.type", async () => {
    const url = server.url;
    await server.close();
    const client = createClient({ shopId: 1, secretKey: SECRET, baseUrl: url, retry: false });
    await client.transactions.get("uid-1").catch(() => undefined);
    expect(exporter.getFinishedSpans()[0]?.attributes["error.type"]).toBe("ECONNREFUSED");
    server = await scriptedServer();
  });

  it("spans never carry the secret, the card, the path or a body", async () => {
    server.next((req, res) => {
      res.writeHead(422, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `echo ${req.body} ${SECRET}` }));
    });
    const client = createClient({ shopId: 1, secretKey: SECRET, baseUrl: server.url, retry: false });
    await client.payments.create(payment).catch(() => undefined);
    await client.transactions.get(`uid-${PAN}`).catch(() => undefined);
    const dump = JSON.stringify(
      exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.events, s.status, s.links]),
    );
    for (const needle of [
      SECRET,
      PAN,
      "transactions",
      "traced",
      Buffer.from(`1:${SECRET}`).toString("base64"),
    ])
      expect(dump).not.toContain(needle);
  });

  it("tracer: false turns spans off; a missing API is no error and no work", async () => {
    const client = createClient({ shopId: 1, secretKey: SECRET, baseUrl: server.url, tracer: false });
    await client.transactions.get("uid-1");
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await expect(loadOtelApi("@paycross/no-such-opentelemetry-api")).resolves.toBeNull();
  });
});
