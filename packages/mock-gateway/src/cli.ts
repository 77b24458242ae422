#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import packageJson from "../package.json" with { type: "json" };
// The CLI is a client of the package's public entry, nothing more.
import {
  DEFAULT_SECRET_KEY,
  DEFAULT_SHOP_ID,
  type Fault,
  ManualClock,
  type MockGateway,
  type MockGatewayOptions,
  SkewClock,
  startMockGateway,
  TEST_CARDS,
} from "./index.js";

const HELP = `paycross-mock-gateway: a stateful PayCross gateway simulator

Usage: paycross-mock-gateway [options]

Options:
  --port <n>                   port to listen on (default 4010; 0 picks a free one)
  --host <addr>                interface to bind (default 127.0.0.1: loopback only)
  --shop-id <id>               shop id for HTTP Basic auth (default ${DEFAULT_SHOP_ID})
  --secret-key <key>           secret key (default: $PAYCROSS_MOCK_SECRET_KEY, else the built-in
                               test key ${DEFAULT_SECRET_KEY})
  --async-delay-ms <n>         how long async tasks stay "processing" (default 100)
  --incomplete-resolve-ms <n>  how long 3-D Secure takes to resolve (default 1000)
  --max-transactions <n>       transactions kept; the oldest is forgotten first (default 100000)
  --admin                      enable /__mock/* (clock, faults, reset, stats, webhooks)
  --manual-clock               time moves only through POST /__mock/clock {"advanceMs": n} (needs --admin)
  --skew-clock                 real time that POST /__mock/clock can also move forward (needs --admin)
  --faults <file.json>         faults to inject: [{"kind":"error","rate":0.1,"routes":["createPayment"]}]
  --fault-seed <n>             seed for fault injection (default 1)
  --public-url <url>           origin to put in status_url/response_url (when behind a proxy)
  -v, --version                print the version
  -h, --help                   show this help

Test cards: ${Object.entries(TEST_CARDS)
  .map(([k, v]) => `${v} → ${k}`)
  .join(", ")}
Exit codes: 0 on SIGINT/SIGTERM, 2 on bad usage or when the port cannot be bound.`;

function fail(message: string): never {
  process.stderr.write(`paycross-mock-gateway: ${message}\nRun with --help for usage.\n`);
  process.exit(2);
}

function int(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = 2_147_483_647,
): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value)) fail(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n < min || n > max) fail(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

type Flags = Record<string, string | boolean | undefined>;

function parseFlags(): Flags {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "shop-id": { type: "string" },
        "secret-key": { type: "string" },
        "async-delay-ms": { type: "string" },
        "incomplete-resolve-ms": { type: "string" },
        "max-transactions": { type: "string" },
        admin: { type: "boolean" },
        "manual-clock": { type: "boolean" },
        "skew-clock": { type: "boolean" },
        faults: { type: "string" },
        "fault-seed": { type: "string" },
        "public-url": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
}

function readFaults(path: string | undefined): Fault[] {
  if (path === undefined) return [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    fail(`--faults: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Fault[];
  } catch (e) {
    fail(`--faults: ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function optionsFrom(values: Flags, secretKey: string): MockGatewayOptions {
  const str = (name: string) => values[name] as string | undefined;
  return {
    port: int("port", str("port"), 4010, 0, 65535),
    host: str("host") ?? "127.0.0.1",
    shopId: str("shop-id") ?? DEFAULT_SHOP_ID,
    secretKey,
    asyncDelayMs: int("async-delay-ms", str("async-delay-ms"), 100),
    incompleteResolveMs: int("incomplete-resolve-ms", str("incomplete-resolve-ms"), 1000),
    maxTransactions: int("max-transactions", str("max-transactions"), 100_000, 1, 100_000_000),
    admin: Boolean(values.admin),
    faults: readFaults(str("faults")),
    faultSeed: int("fault-seed", str("fault-seed"), 1),
    ...(values["manual-clock"] ? { clock: new ManualClock() } : {}),
    ...(values["skew-clock"] ? { clock: new SkewClock() } : {}),
    ...(values["public-url"] ? { publicUrl: str("public-url") } : {}),
  };
}

async function main(): Promise<void> {
  const values = parseFlags();
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  if (values.version) return void process.stdout.write(`${packageJson.version}\n`);
  if (values["manual-clock"] && !values.admin)
    fail("--manual-clock needs --admin (time only moves through the admin endpoint)");
  const secretKey =
    (values["secret-key"] as string | undefined) ??
    process.env.PAYCROSS_MOCK_SECRET_KEY ??
    DEFAULT_SECRET_KEY;
  let gateway: MockGateway;
  try {
    gateway = await startMockGateway(optionsFrom(values, secretKey));
  } catch (e) {
    // Bad options (code "config") and a port that cannot be bound are both usage problems: exit 2.
    fail((e as Error).message);
  }
  const stop = () => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const flags = `${values.admin ? ", admin on" : ""}${values["manual-clock"] ? ", manual clock" : values["skew-clock"] ? ", skew clock" : ""}`;
  // The built-in key is public test data: say it, so nobody has to dig it out of a .d.ts. A key the
  // user chose is never printed. One write, so that whoever reads the first line has both.
  const credentials =
    secretKey === DEFAULT_SECRET_KEY
      ? `Credentials: the built-in test ones, shop id ${gateway.shopId}, secret key ${DEFAULT_SECRET_KEY} (change them with --shop-id and --secret-key or PAYCROSS_MOCK_SECRET_KEY)\n`
      : "";
  process.stdout.write(
    `PayCross mock gateway listening on ${gateway.url} (shop ${gateway.shopId}${flags})\n${credentials}`,
  );
}

void main();
