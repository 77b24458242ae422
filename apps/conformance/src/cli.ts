#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type MockGateway, SkewClock, startMockGateway } from "@paycross/mock-gateway";
/**
 * paycross-conformance: with no arguments, starts the embedded mock gateway and checks it; with
 * --base-url and credentials, checks any gateway. Exit 0: every applicable check passed; 1: failures;
 * 2: bad usage or an unreachable target.
 */
import packageJson from "../package.json" with { type: "json" };
import { ALL_CHECKS } from "./checks/index.js";
import { loadProfile, MOCK_PROFILE, type Profile, ProfileError } from "./profile.js";
import { har } from "./report/har.js";
import { json } from "./report/json.js";
import { junit } from "./report/junit.js";
import { pretty } from "./report/pretty.js";
import {
  type Baseline,
  baselineOf,
  parseBaseline,
  runConformance,
  UnreachableError,
  UsageError,
} from "./runner.js";
import { SUITES } from "./types.js";

const PRODUCTION_HOSTS = new Set(["gateway.pay-cross.com"]);
const REPORTERS = ["pretty", "json", "junit", "har"] as const;
type ReporterName = (typeof REPORTERS)[number];

const HELP = `paycross-conformance: check a PayCross gateway against the contract

Usage:
  paycross-conformance                       check the embedded mock gateway
  paycross-conformance --base-url URL --shop-id ID --secret-key KEY [--profile FILE]

Target:
  --base-url <url>          gateway to check (env PAYCROSS_BASE_URL); default: the embedded mock
  --shop-id <id>            shop id (env PAYCROSS_SHOP_ID)
  --secret-key <key>        secret key (env PAYCROSS_SECRET_KEY; prefer the env: flags show in process lists)
  --profile <file.json>     test cards, amounts and timeouts of the target (default for a remote target:
                            the mock's cards, which a sandbox may not know)
  --allow-production        allow a production host (refused by default)
  --rate <n>                requests per second at most (default 10 remote, unlimited embedded)
  --timeout-ms <n>          per-request timeout (default 15000)
  --webhook-url <url>       URL the gateway can reach to deliver notifications (remote targets)
  --webhook-listen <h:p>    where the notification receiver listens (default 127.0.0.1:0)

Selection:
  --suite <a,b>             suites: ${SUITES.join(", ")}
  --check <id,...>          only these checks
  --skip <id|suite,...>     skip these checks or suites
  --list-checks             list every named check and exit

Reports:
  --reporter <name[=file]>  pretty (default, stdout), json, junit, har; repeatable
  --out <file>              file of the one non-pretty reporter given without =file
  --baseline <file>         accepted known failures: they do not fail the run
  --write-baseline <file>   write the current failures as a baseline
  --no-color                plain output (also NO_COLOR)
  -v, --version             print the version
  -h, --help                this help

Exit codes: 0 all applicable checks passed, 1 a check failed, 2 bad usage or unreachable target.`;

class CliUsage extends Error {}

function list(values: unknown): string[] {
  const arr = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return arr
    .flatMap((v) => String(v).split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

async function main(argv: string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "base-url": { type: "string" },
        "shop-id": { type: "string" },
        "secret-key": { type: "string" },
        profile: { type: "string" },
        "allow-production": { type: "boolean" },
        rate: { type: "string" },
        "timeout-ms": { type: "string" },
        "webhook-url": { type: "string" },
        "webhook-listen": { type: "string" },
        suite: { type: "string", multiple: true },
        check: { type: "string", multiple: true },
        skip: { type: "string", multiple: true },
        "list-checks": { type: "boolean" },
        reporter: { type: "string", multiple: true },
        out: { type: "string" },
        baseline: { type: "string" },
        "write-baseline": { type: "string" },
        "no-color": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CliUsage((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  if (values["list-checks"]) {
    for (const c of ALL_CHECKS) process.stdout.write(`${c.id.padEnd(48)} ${c.description}\n`);
    return 0;
  }
  const num = (name: string, min: number, max: number): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new CliUsage(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  const timeoutMs = num("timeout-ms", 100, 600_000);
  const rate = num("rate", 0.1, 10_000);

  // Reporters: pretty by default; a file per non-pretty reporter (or stdout).
  const reporters: Array<{ name: ReporterName; file?: string }> = [];
  for (const spec of list(values.reporter)) {
    const [name, file] = spec.split("=", 2) as [string, string | undefined];
    if (!REPORTERS.includes(name as ReporterName))
      throw new CliUsage(`unknown reporter ${JSON.stringify(name)}; one of ${REPORTERS.join(", ")}`);
    reporters.push({ name: name as ReporterName, ...(file ? { file } : {}) });
  }
  if (reporters.length === 0) reporters.push({ name: "pretty" });
  if (typeof values.out === "string") {
    const open = reporters.filter((r) => r.name !== "pretty" && !r.file);
    if (open.length !== 1) throw new CliUsage("--out needs exactly one non-pretty --reporter without =file");
    open[0]!.file = values.out;
  }

  let baseline: Baseline | undefined;
  if (typeof values.baseline === "string") {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(values.baseline, "utf8"));
    } catch (e) {
      throw new CliUsage(`--baseline ${values.baseline}: ${(e as Error).message}`);
    }
    baseline = parseBaseline(raw, values.baseline);
  }

  const baseUrl = (values["base-url"] as string | undefined) ?? process.env.PAYCROSS_BASE_URL;
  let profile: Profile = MOCK_PROFILE;
  let gateway: MockGateway | undefined;
  let target: { baseUrl: string; shopId: string; secretKey: string };
  if (baseUrl) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new CliUsage(`--base-url must be an absolute URL, got ${JSON.stringify(baseUrl)}`);
    }
    if (PRODUCTION_HOSTS.has(url.hostname) && !values["allow-production"])
      throw new CliUsage(
        `${url.hostname} is a production gateway: real money moves there. Point --base-url at a sandbox, or pass --allow-production`,
      );
    const shopId = (values["shop-id"] as string | undefined) ?? process.env.PAYCROSS_SHOP_ID;
    const secretKey = (values["secret-key"] as string | undefined) ?? process.env.PAYCROSS_SECRET_KEY;
    if (!shopId || !secretKey)
      throw new CliUsage(
        "a remote target needs --shop-id and --secret-key (or PAYCROSS_SHOP_ID and PAYCROSS_SECRET_KEY)",
      );
    target = { baseUrl: url.href.replace(/\/+$/, ""), shopId, secretKey };
    profile = {
      ...MOCK_PROFILE,
      name: "default (mock cards)",
      asyncTimeoutMs: 30_000,
      followUpTimeoutMs: 60_000,
    };
    delete profile.clockPath;
    delete profile.webhookPublicKeyPath;
  } else {
    gateway = await startMockGateway({
      clock: new SkewClock(),
      admin: true,
      asyncDelayMs: 100,
      incompleteResolveMs: 300,
    });
    target = { baseUrl: gateway.url, shopId: gateway.shopId, secretKey: gateway.secretKey };
  }
  if (typeof values.profile === "string") {
    const custom = loadProfile(values.profile);
    profile = gateway
      ? {
          ...custom,
          clockPath: MOCK_PROFILE.clockPath!,
          webhookPublicKeyPath: MOCK_PROFILE.webhookPublicKeyPath!,
        }
      : custom;
  }

  let webhook: { listenHost: string; listenPort: number; publicUrl?: string } | undefined;
  const listen = values["webhook-listen"] as string | undefined;
  if (listen !== undefined && !/^[^:]+:[0-9]{1,5}$/.test(listen))
    throw new CliUsage(`--webhook-listen must be host:port, got ${JSON.stringify(listen)}`);
  const [listenHost, listenPort] = listen
    ? [listen.split(":")[0]!, Number(listen.split(":")[1])]
    : ["127.0.0.1", 0];
  if (gateway || values["webhook-url"]) {
    webhook = {
      listenHost,
      listenPort,
      ...(values["webhook-url"] ? { publicUrl: values["webhook-url"] as string } : {}),
    };
  }

  const tty = process.stderr.isTTY === true;
  const color = tty && !values["no-color"] && !process.env.NO_COLOR;
  let count = 0;
  try {
    const report = await runConformance({
      target,
      profile,
      embedded: Boolean(gateway),
      suites: list(values.suite),
      checks: list(values.check),
      skip: list(values.skip),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(rate ? { ratePerSecond: rate } : {}),
      ...(webhook ? { webhook } : {}),
      ...(baseline ? { baseline } : {}),
      onResult: (r) => {
        count++;
        if (tty)
          process.stderr.write(
            `\r\x1b[K[${count}] ${r.check}${r.operation ? ` ${r.operation}` : ""} ${r.status}`,
          );
      },
    });
    if (tty) process.stderr.write("\r\x1b[K");
    for (const r of reporters) {
      const text =
        r.name === "pretty"
          ? pretty(report, color && !r.file)
          : r.name === "json"
            ? json(report)
            : r.name === "junit"
              ? junit(report)
              : har(report);
      if (r.file) writeFileSync(r.file, text);
      else process.stdout.write(text);
    }
    if (typeof values["write-baseline"] === "string")
      writeFileSync(values["write-baseline"], `${JSON.stringify(baselineOf(report), null, 2)}\n`);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await gateway?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (
      e instanceof CliUsage ||
      e instanceof UsageError ||
      e instanceof ProfileError ||
      e instanceof UnreachableError
    ) {
      process.stderr.write(
        `paycross-conformance: ${e.message}\n${e instanceof UnreachableError ? "" : "Run with --help for usage.\n"}`,
      );
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `paycross-conformance: internal error: ${e instanceof Error ? e.stack : String(e)}\n`,
      );
      process.exitCode = 2;
    }
  },
);
