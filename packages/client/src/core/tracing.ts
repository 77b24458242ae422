/**
 * Optional OpenTelemetry: one CLIENT span per HTTP attempt, with the HTTP semantic-convention
 * attributes only (method, server address and port, status code, resend count, error type): never a
 * URL path or query, a header, a body, a card or a secret. `@opentelemetry/api` is an optional peer:
 * when it is not installed the import fails once, quietly, and no span work is ever done.
 */
import { splitUrl } from "../transport/dispatch.js";
import type { AttemptObserver } from "./http.js";

/** The part of an OpenTelemetry `Span` the client uses (structural, so no type import is needed). */
export interface SpanLike {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
  isRecording(): boolean;
}

/** The part of an OpenTelemetry `Tracer` the client uses: pass `trace.getTracer(...)` to choose one. */
export interface TracerLike {
  startSpan(name: string, options: { kind: number; attributes: Record<string, string | number> }): SpanLike;
}

interface OtelApi {
  trace: { getTracer(name: string): TracerLike };
}

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/** Loads the API if installed; `null` when not (cached: the import is tried once per process). */
let loading: Promise<OtelApi | null> | undefined;
export function loadOtelApi(specifier = "@opentelemetry/api"): Promise<OtelApi | null> {
  const load = () =>
    import(/* @vite-ignore */ specifier).then(
      (m: OtelApi & { default?: OtelApi }) => (m.trace ? m : (m.default ?? null)),
      () => null,
    );
  if (specifier !== "@opentelemetry/api") return load();
  loading ??= load();
  return loading;
}

/** A low-cardinality `error.type`: the PayCross code, a Node error code, or the class name. */
function errorType(error: unknown): string {
  if (typeof error === "string") return error;
  const e = error as { code?: unknown; name?: unknown } | null;
  if (e && typeof e.code === "string" && /^[A-Za-z0-9_]{1,40}$/.test(e.code)) return e.code;
  return e && typeof e.name === "string" ? e.name : "_OTHER";
}

/** Address and port by origin: parsed once per origin, not per attempt (the API without an SDK still asks). */
const servers = new Map<string, { address: string; port: number }>();
function serverOf(url: string): { address: string; port: number } {
  const origin = splitUrl(url).origin;
  let server = servers.get(origin);
  if (!server) {
    const { hostname, port, protocol } = new URL(url);
    server = { address: hostname, port: Number(port) || (protocol === "https:" ? 443 : 80) };
    if (servers.size >= 64) servers.clear(); // bounded: a client talks to a handful of origins
    servers.set(origin, server);
  }
  return server;
}

/**
 * The observer of the pipeline: with a tracer given, spans start at once; otherwise the global API is
 * loaded on first use and the spans begin when it is there (a missing API means no spans, no work).
 */
export function tracingObserver(tracer?: TracerLike): AttemptObserver & { ready: Promise<void> | undefined } {
  let active: TracerLike | undefined = tracer;
  const observer: AttemptObserver & { ready: Promise<void> | undefined } = {
    enabled: tracer !== undefined ? true : undefined,
    ready: tracer
      ? undefined
      : loadOtelApi().then((api) => {
          active = api?.trace.getTracer("@paycross/client");
          observer.enabled = active !== undefined;
          observer.ready = undefined;
        }),
    start({ method, url, attempt }) {
      if (!active) return undefined;
      const server = serverOf(url);
      const attributes: Record<string, string | number> = {
        "http.request.method": method,
        "server.address": server.address,
        "server.port": server.port,
      };
      if (attempt > 0) attributes["http.request.resend_count"] = attempt;
      const span = active.startSpan(method, { kind: SPAN_KIND_CLIENT, attributes });
      if (!span.isRecording()) {
        span.end();
        return undefined;
      }
      return {
        end({ status, error }) {
          if (status !== undefined) span.setAttribute("http.response.status_code", status);
          const failed = error !== undefined || (status !== undefined && status >= 400);
          if (failed) {
            span.setAttribute("error.type", error !== undefined ? errorType(error) : String(status));
            span.setStatus({ code: STATUS_ERROR });
          }
          span.end();
        },
      };
    },
  };
  return observer;
}
