/**
 * Issue 17: OpenTelemetry for the poller, checked with the SDK's in-memory exporters: one span per task's
 * life with an event per look, and metrics (pending, polls, outcomes by kind, time to result) that agree
 * with `poller.stats`. No attribute carries card data.
 */
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { createPoller, MemoryStore } from "../src/index.js";
import { FAST, gateway, payment } from "./helpers.js";

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Point = { attributes: Record<string, unknown>; value: unknown };
async function metricsOf(reader: TestReader): Promise<Map<string, Point[]>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, Point[]>();
  for (const scope of resourceMetrics.scopeMetrics)
    for (const m of scope.metrics) out.set(m.descriptor.name, m.dataPoints as Point[]);
  return out;
}
const sum = (points: Point[] | undefined, filter: Record<string, string> = {}) =>
  (points ?? [])
    .filter((p) => Object.entries(filter).every(([k, v]) => p.attributes[k] === v))
    .reduce((n, p) => n + (p.value as number), 0);

describe("OpenTelemetry", () => {
  it("one span per task with its looks, and metrics that agree with poller.stats", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const { gw, client } = await gateway();
    const poller = createPoller({
      client,
      store: new MemoryStore(),
      policy: FAST,
      telemetry: { tracer: tracerProvider.getTracer("test"), meter: meterProvider.getMeter("test") },
    });
    cleanups.push(
      () => gw.close(),
      () => meterProvider.shutdown(),
    );
    const cards = ["successful", "error", "incomplete"] as const;
    const requests = cards.map((c) => payment(c));
    const outcomes = await Promise.all(requests.map((r) => poller.run("payment", r)));
    expect(outcomes.map((o) => o.kind)).toEqual(["completed", "failed", "completed"]);

    const spans = exporter.getFinishedSpans().filter((s) => s.name === "paycross.task");
    expect(spans).toHaveLength(3);
    expect(spans.map((s) => s.attributes["paycross.outcome"]).sort()).toEqual([
      "completed",
      "completed",
      "failed",
    ]);
    expect(spans.every((s) => s.attributes["paycross.operation"] === "payment")).toBe(true);
    expect(spans.reduce((n, s) => n + s.events.length, 0)).toBe(poller.stats.requests);
    const dump = JSON.stringify(spans.map((s) => ({ a: s.attributes, e: s.events })));
    for (const r of requests) expect(dump).not.toContain(r.credit_card.number);

    const m = await metricsOf(reader);
    expect(sum(m.get("paycross.poller.polls"))).toBe(poller.stats.requests);
    expect(sum(m.get("paycross.poller.outcomes"), { kind: "completed" })).toBe(2);
    expect(sum(m.get("paycross.poller.outcomes"), { kind: "failed" })).toBe(1);
    expect(sum(m.get("paycross.poller.tasks.pending"))).toBe(0);
    const histogram = m.get("paycross.poller.time_to_result")?.[0]?.value as { count: number } | undefined;
    expect(histogram?.count).toBe(3);
    await poller.close();
  });

  it("counts a pending task while it waits and ends its span when the poller closes", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const { gw, client } = await gateway({ asyncDelayMs: 60_000 });
    cleanups.push(
      () => gw.close(),
      () => meterProvider.shutdown(),
    );
    const poller = createPoller({
      client,
      policy: FAST,
      telemetry: { tracer: tracerProvider.getTracer("test"), meter: meterProvider.getMeter("test") },
    });
    await poller.submit("payment", payment());
    expect(sum((await metricsOf(reader)).get("paycross.poller.tasks.pending"))).toBe(1);
    await poller.close();
    expect(sum((await metricsOf(reader)).get("paycross.poller.tasks.pending"))).toBe(0);
    expect(exporter.getFinishedSpans().map((s) => s.attributes["paycross.outcome"])).toEqual(["pending"]);
  });

  it("telemetry: false does no OpenTelemetry work at all", async () => {
    const { gw, client } = await gateway();
    cleanups.push(() => gw.close());
    const poller = createPoller({ client, policy: FAST, telemetry: false });
    expect((await poller.run("payment", payment())).kind).toBe("completed");
    await poller.close();
  });
});
