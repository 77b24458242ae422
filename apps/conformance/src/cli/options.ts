/**
 * Everything the command line says, checked before anything starts: a usage error must never leave a
 * mock gateway or a receiver running (it used to hang the process), so this module starts nothing,
 * and every file it will write later is checked writable now.
 */
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Baseline, parseBaseline } from "../baseline.js";
import { UsageError } from "../errors.js";
import { isProductionUrl } from "../guard.js";
import type { Target } from "../http.js";
import { loadProfile, type Profile } from "../profile.js";
import { REPORTERS, type ReporterName } from "../report/index.js";
import { validateSelection } from "../selection.js";

export interface RunPlan {
  /** Absent: check the embedded mock gateway. */
  remote?: Target;
  /** A profile file given with --profile. */
  profile?: Profile;
  suites: string[];
  checks: string[];
  skip: string[];
  timeoutMs?: number;
  rate?: number;
  maxDurationMs?: number;
  webhook?: { listenHost: string; listenPort: number; publicUrl?: string };
  reporters: Array<{ name: ReporterName; file?: string }>;
  baseline?: Baseline;
  writeBaseline?: string;
  noColor: boolean;
}

export type Parsed = { action: "help" | "version" | "list-checks" } | { action: "run"; plan: RunPlan };

const STRING_OPTIONS = [
  "base-url",
  "shop-id",
  "secret-key",
  "profile",
  "rate",
  "timeout-ms",
  "max-duration",
  "webhook-url",
  "webhook-listen",
  "out",
  "baseline",
  "write-baseline",
] as const;
const LIST_OPTIONS = ["suite", "check", "skip", "reporter"] as const;

/** `--rate -1` is a value, not an option: join it as `--rate=-1` so the range check names it. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const takesValue = [...STRING_OPTIONS, ...LIST_OPTIONS].some((o) => a === `--${o}`);
    if (takesValue && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function list(values: unknown): string[] {
  const arr = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return arr
    .flatMap((v) => String(v).split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

function number(values: Record<string, unknown>, name: string, min: number, max: number, unit: string) {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(
      `--${name} must be a number from ${min} to ${max} (${unit}), got ${JSON.stringify(v)}`,
    );
  return n;
}

/** `90`, `90s`, `5m`, `1500ms` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1_000;
}

/** A file we will write at the end of the run: refuse now, not after the whole run. */
export function assertWritable(path: string, flag: string): void {
  const full = resolve(path);
  try {
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw new Error("it is a directory");
    if (st) accessSync(full, constants.W_OK);
    else {
      const dir = statSync(dirname(full), { throwIfNoEntry: false });
      if (!dir?.isDirectory()) throw new Error(`folder ${dirname(full)} does not exist`);
      accessSync(dirname(full), constants.W_OK);
    }
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`${flag} ${path}: cannot write this file (${reason})`);
  }
}

function reportersOf(values: Record<string, unknown>): RunPlan["reporters"] {
  const reporters: RunPlan["reporters"] = [];
  for (const spec of list(values.reporter)) {
    const [name, file] = spec.split("=", 2) as [string, string | undefined];
    if (!(REPORTERS as readonly string[]).includes(name))
      throw new UsageError(`unknown reporter ${JSON.stringify(name)}; one of ${REPORTERS.join(", ")}`);
    if (file === "") throw new UsageError(`--reporter ${name}= needs a file name after =`);
    reporters.push({ name: name as ReporterName, ...(file ? { file } : {}) });
  }
  if (reporters.length === 0) reporters.push({ name: "pretty" });
  if (typeof values.out === "string") {
    const open = reporters.filter((r) => r.name !== "pretty" && !r.file);
    if (open.length !== 1)
      throw new UsageError("--out needs exactly one non-pretty --reporter without =file");
    open[0]!.file = values.out;
  }
  const toStdout = reporters.filter((r) => !r.file);
  if (toStdout.length > 1)
    throw new UsageError(
      `only one reporter may write to stdout, got ${toStdout.map((r) => r.name).join(" and ")}: give the others a file (--reporter ${toStdout[1]!.name}=FILE)`,
    );
  for (const r of reporters) if (r.file) assertWritable(r.file, `--reporter ${r.name}=`);
  return reporters;
}

function remoteTarget(values: Record<string, unknown>, env: NodeJS.ProcessEnv): Target | undefined {
  const baseUrl = (values["base-url"] as string | undefined) ?? env.PAYCROSS_BASE_URL;
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new UsageError(`--base-url must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (isProductionUrl(url) && !values["allow-production"])
    throw new UsageError(
      `${url.hostname} is a production gateway: real money moves there. Point --base-url at a sandbox, or pass --allow-production`,
    );
  const shopId = (values["shop-id"] as string | undefined) ?? env.PAYCROSS_SHOP_ID;
  const secretKey = (values["secret-key"] as string | undefined) ?? env.PAYCROSS_SECRET_KEY;
  if (!shopId || !secretKey)
    throw new UsageError(
      "a remote target needs --shop-id and --secret-key (or PAYCROSS_SHOP_ID and PAYCROSS_SECRET_KEY)",
    );
  return { baseUrl: url.href.replace(/\/+$/, ""), shopId, secretKey };
}

/** Binds the receiver's address once and lets it go: a bad --webhook-listen fails here, not mid-run. */
async function probeListen(host: string, port: number): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const s = createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      fail(new UsageError(`--webhook-listen ${host}:${port}: cannot listen there (${e.code ?? e.message})`)),
    );
    s.listen(port, host, () => s.close(() => ok()));
  });
}

async function webhookOf(values: Record<string, unknown>, remote: boolean): Promise<RunPlan["webhook"]> {
  const listen = values["webhook-listen"] as string | undefined;
  const publicUrl = values["webhook-url"] as string | undefined;
  let host = "127.0.0.1";
  let port = 0;
  if (listen !== undefined) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):([0-9]{1,5})$/.exec(listen);
    if (!m || Number(m[2]) > 65_535)
      throw new UsageError(
        `--webhook-listen must be host:port (port 0-65535), got ${JSON.stringify(listen)}`,
      );
    host = m[1]!.replace(/^\[|\]$/g, "");
    port = Number(m[2]);
  }
  if (publicUrl !== undefined) {
    try {
      if (!/^https?:$/.test(new URL(publicUrl).protocol)) throw new Error("scheme");
    } catch {
      throw new UsageError(`--webhook-url must be an absolute http(s) URL, got ${JSON.stringify(publicUrl)}`);
    }
  }
  if (remote && publicUrl === undefined) return undefined;
  await probeListen(host, port);
  return { listenHost: host, listenPort: port, ...(publicUrl ? { publicUrl } : {}) };
}

export async function parseCli(argv: string[], env: NodeJS.ProcessEnv): Promise<Parsed> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv),
      options: {
        ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: "string" as const }])),
        ...Object.fromEntries(LIST_OPTIONS.map((o) => [o, { type: "string" as const, multiple: true }])),
        "allow-production": { type: "boolean" },
        "list-checks": { type: "boolean" },
        "no-color": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { action: "help" };
  if (values.version) return { action: "version" };
  if (values["list-checks"]) return { action: "list-checks" };

  const selection = { suites: list(values.suite), checks: list(values.check), skip: list(values.skip) };
  validateSelection(selection);
  const timeoutMs = number(values, "timeout-ms", 100, 600_000, "milliseconds");
  const rate = number(values, "rate", 0.1, 10_000, "requests per second");
  let maxDurationMs: number | undefined;
  if (values["max-duration"] !== undefined) {
    maxDurationMs = parseDuration(String(values["max-duration"]));
    if (maxDurationMs === undefined || maxDurationMs < 1_000 || maxDurationMs > 86_400_000)
      throw new UsageError(
        `--max-duration must be a duration from 1s to 24h (e.g. 90s, 5m), got ${JSON.stringify(values["max-duration"])}`,
      );
  }
  const reporters = reportersOf(values);
  const writeBaseline = values["write-baseline"] as string | undefined;
  if (writeBaseline !== undefined) assertWritable(writeBaseline, "--write-baseline");
  let baseline: Baseline | undefined;
  if (typeof values.baseline === "string") {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(values.baseline, "utf8"));
    } catch (e) {
      throw new UsageError(`--baseline ${values.baseline}: ${(e as Error).message}`);
    }
    baseline = parseBaseline(raw, values.baseline);
  }
  const remote = remoteTarget(values, env);
  const profile = typeof values.profile === "string" ? loadProfile(values.profile) : undefined;
  const webhook = await webhookOf(values, Boolean(remote));
  return {
    action: "run",
    plan: {
      ...selection,
      ...(remote ? { remote } : {}),
      ...(profile ? { profile } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(rate !== undefined ? { rate } : {}),
      ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
      ...(webhook ? { webhook } : {}),
      reporters,
      ...(baseline ? { baseline } : {}),
      ...(writeBaseline !== undefined ? { writeBaseline } : {}),
      noColor: Boolean(values["no-color"]) || Boolean(env.NO_COLOR),
    },
  };
}
