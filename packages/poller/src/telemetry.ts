/**
 * Optional OpenTelemetry for the poller: one span per task's life in this process (`paycross.task`, with
 * an event per look), and metrics: tasks pending, polls by kind of look, time to result, outcomes by
 * kind. `@opentelemetry/api` is an optional peer, used through structural types: when it is not
 * installed (and no tracer/meter is given) nothing is created and every hook is a no-op. Attributes carry
 * the operation, the task id and outcome kinds only: never a card, a secret or a body.
 */
import type { TaskState } from "./task.js";

export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  addEvent(name: string, attributes?: Record<string, string | number>): unknown;
  end(): void;
}
export interface TracerLike {
  startSpan(name: string, options?: { attributes?: Record<string, string | number> }): SpanLike;
}
interface CounterLike {
  add(value: number, attributes?: Record<string, string>): void;
}
interface HistogramLike {
  record(value: number, attributes?: Record<string, string>): void;
}
export interface MeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): CounterLike;
  createUpDownCounter(name: string, options?: { description?: string; unit?: string }): CounterLike;
  createHistogram(name: string, options?: { description?: string; unit?: string }): HistogramLike;
}

export interface TelemetryOptions {
  /** Default: the global tracer of `@opentelemetry/api` when installed; `false` for none. */
  tracer?: TracerLike | false;
  /** Default: the global meter of `@opentelemetry/api` when installed; `false` for none. */
  meter?: MeterLike | false;
}

interface OtelApi {
  trace: { getTracer(name: string): TracerLike };
  metrics: { getMeter(name: string): MeterLike };
}

let loading: Promise<OtelApi | null> | undefined;
function loadOtelApi(): Promise<OtelApi | null> {
  loading ??= import(/* @vite-ignore */ "@opentelemetry/api").then(
    (m: Partial<OtelApi> & { default?: OtelApi }) =>
      m.trace && m.metrics ? (m as OtelApi) : (m.default ?? null),
    () => null,
  );
  return loading;
}

const NAME = "@paycross/poller";

export class Telemetry {
  private tracer: TracerLike | undefined;
  private instruments: ReturnType<typeof instrumentsOf> | undefined;
  private readonly spans = new Map<string, SpanLike>();
  /** Task id → operation, for the tasks counted as pending here. */
  private readonly pending = new Map<string, string>();

  constructor(options: TelemetryOptions = {}) {
    if (options.tracer) this.tracer = options.tracer;
    if (options.meter) this.instruments = instrumentsOf(options.meter);
    if (options.tracer === undefined || options.meter === undefined) {
      void loadOtelApi().then((api) => {
        if (!api) return;
        if (options.tracer === undefined) this.tracer = api.trace.getTracer(NAME);
        if (options.meter === undefined) this.instruments = instrumentsOf(api.metrics.getMeter(NAME));
      });
    }
  }

  /** A task this poller now drives or awaits. */
  started(state: TaskState): void {
    if (state.phase === "done" || this.pending.has(state.id)) return;
    this.pending.set(state.id, state.operation);
    this.instruments?.pending.add(1, { operation: state.operation });
    if (this.tracer)
      this.spans.set(
        state.id,
        this.tracer.startSpan("paycross.task", {
          attributes: { "paycross.operation": state.operation, "paycross.task.id": state.id },
        }),
      );
  }

  /** One request for a task (a look at status, result, follow-up, or recovery). */
  polled(id: string, what: string, status?: number | "error"): void {
    this.instruments?.polls.add(1, { what });
    this.spans
      .get(id)
      ?.addEvent("paycross.look", status === undefined ? { what } : { what, status: String(status) });
  }

  /** The task's outcome is stored. */
  finished(state: TaskState): void {
    const kind = state.outcome?.kind ?? "unknown";
    if (this.pending.delete(state.id)) {
      this.instruments?.pending.add(-1, { operation: state.operation });
      this.instruments?.outcomes.add(1, { operation: state.operation, kind });
      this.instruments?.timeToResult.record(Math.max(0, Date.now() - state.submittedAt) / 1000, {
        operation: state.operation,
      });
    }
    const span = this.spans.get(state.id);
    if (span) {
      span.setAttribute("paycross.outcome", kind);
      span.end();
      this.spans.delete(state.id);
    }
  }

  /** The poller closes: pending tasks stay pending elsewhere; their spans end here. */
  close(): void {
    for (const span of this.spans.values()) {
      span.setAttribute("paycross.outcome", "pending");
      span.end();
    }
    this.spans.clear();
    for (const operation of this.pending.values()) this.instruments?.pending.add(-1, { operation });
    this.pending.clear();
  }
}

function instrumentsOf(meter: MeterLike) {
  return {
    pending: meter.createUpDownCounter("paycross.poller.tasks.pending", {
      description: "Tasks this poller drives or awaits that have no outcome yet",
    }),
    polls: meter.createCounter("paycross.poller.polls", {
      description: "Requests sent for tasks, by look (status, result, follow_up, recovery)",
    }),
    outcomes: meter.createCounter("paycross.poller.outcomes", {
      description: "Outcomes stored, by kind (completed, failed, unknown)",
    }),
    timeToResult: meter.createHistogram("paycross.poller.time_to_result", {
      description: "Time from submit to a stored outcome",
      unit: "s",
    }),
  };
}
