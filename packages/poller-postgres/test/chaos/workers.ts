/**
 * The chaos run's worker processes and what they trace on stdout: each gateway request (`req <id> <ms>`),
 * each stored state (`st <id> <ms>`) and each claim (`cl <ms> <duration> <room>`), by worker pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { WORKER_SCRIPT } from "../helpers.js";

export interface Trace {
  /** Every worker's gateway requests, by `<task id>:<worker pid>` (epoch ms): step (c) of a takeover. */
  requests: Map<string, number[]>;
  /** Each request → stored span, by worker: how many slots a worker had busy at a given moment. */
  busy: Array<{ pid: number; from: number; to: number }>;
  /** Each worker's claims (start, duration, room): whether a worker with room claimed while a lease was expired. */
  claims: Array<{ pid: number; at: number; ms: number; room: number }>;
}

export const newTrace = (): Trace => ({ requests: new Map(), busy: [], claims: [] });

/** Per worker pid: claims overlapping [from, to] (count, longest ms, least room). */
export function claimsIn(trace: Trace, from: number, to: number) {
  const n = new Map<number, { n: number; maxMs: number; minRoom: number }>();
  for (const c of trace.claims)
    if (c.at + c.ms >= from && c.at <= to) {
      const x = n.get(c.pid) ?? { n: 0, maxMs: 0, minRoom: 99 };
      n.set(c.pid, { n: x.n + 1, maxMs: Math.max(x.maxMs, c.ms), minRoom: Math.min(x.minRoom, c.room) });
    }
  return Object.fromEntries(n);
}

/** Per worker pid: how many request → stored spans were open at `t`. */
export function busyAt(trace: Trace, t: number) {
  const n = new Map<number, number>();
  for (const b of trace.busy) if (b.from <= t && t < b.to) n.set(b.pid, (n.get(b.pid) ?? 0) + 1);
  return Object.fromEntries(n);
}

function traceLine(trace: Trace, pid: number, l: string) {
  const [tag, id, at] = l.split(" ");
  if (tag === "cl") trace.claims.push({ pid, at: Number(id), ms: Number(at), room: Number(l.split(" ")[3]) });
  // A stored state without a request before it (a deferred first look) is not a busy span.
  const from = tag === "st" && id ? trace.requests.get(`${id}:${pid}`)?.at(-1) : undefined;
  if (from !== undefined) trace.busy.push({ pid, from, to: Number(at) });
  if (tag !== "req" || !id) return;
  const key = `${id}:${pid}`;
  const list = trace.requests.get(key) ?? [];
  list.push(Number(at));
  trace.requests.set(key, list);
}

function traceWorker(trace: Trace, c: ChildProcess) {
  let rest = "";
  c.stdout!.on("data", (b: Buffer) => {
    const lines = (rest + String(b)).split("\n");
    rest = lines.pop()!;
    for (const l of lines) traceLine(trace, c.pid!, l);
  });
}

export interface WorkerPool {
  /** The live workers; the killer replaces a killed one in place. */
  workers: ChildProcess[];
  /** Starts one more worker, resolved once it says "ready". */
  start(): Promise<ChildProcess>;
}

/** Starts `count` workers with `env`, traced into `trace`; `children` holds the live ones (for afterAll). */
export async function startWorkers(
  count: number,
  env: NodeJS.ProcessEnv,
  trace: Trace,
  children: Set<ChildProcess>,
): Promise<WorkerPool> {
  const start = async (): Promise<ChildProcess> => {
    const c = spawn(process.execPath, [WORKER_SCRIPT], { env, stdio: ["ignore", "pipe", "inherit"] });
    children.add(c);
    c.once("exit", () => children.delete(c));
    const [line] = (await once(c.stdout!, "data")) as [Buffer];
    if (!String(line).includes("ready")) throw new Error(`worker said ${line}`);
    traceWorker(trace, c);
    return c;
  };
  const workers = await Promise.all(Array.from({ length: count }, start));
  return { workers, start };
}
