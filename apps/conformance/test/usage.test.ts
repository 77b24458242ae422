/**
 * Every usage error exits 2 on its own, right after naming the problem, whatever was started before
 * (the embedded mock used to keep the process alive forever after the message). Each case is its own
 * test. The process gets 20 s before it is called hung; the gap between its message and its exit
 * must stay under a second.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../bin/paycross-conformance.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "paycross-conformance-usage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};
const readOnlyDir = join(dir, "read-only");
mkdirSync(readOnlyDir);
chmodSync(readOnlyDir, 0o500);
const REMOTE = ["--base-url", "http://127.0.0.1:9", "--shop-id", "1", "--secret-key", "k"];

interface Exit {
  code: number | null;
  err: string;
  out: string;
  /** ms from the first line on stderr to the exit */
  lingerMs: number;
  pid: number;
}

function run(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let err = "";
    let out = "";
    let firstMessageAt: number | undefined;
    const hung = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hung after printing: ${err}`));
    }, 20_000);
    child.stderr.on("data", (d) => {
      firstMessageAt ??= Date.now();
      err += d;
    });
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) => {
      clearTimeout(hung);
      resolve({ code, err, out, lingerMs: Date.now() - (firstMessageAt ?? Date.now()), pid: child.pid! });
    });
  });
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

const CASES: Array<[string, string[], RegExp]> = [
  [
    "missing profile file (embedded mock)",
    ["--profile", join(dir, "nope.json")],
    /cannot read profile .*nope\.json/,
  ],
  [
    "invalid profile (embedded mock)",
    ["--profile", file("bad.json", { cards: { successful: "12" } })],
    /cards\.successful must be a card number/,
  ],
  [
    "profile with a public key that does not parse",
    [
      "--profile",
      file("key.json", { cards: { successful: "4200000000000000" }, webhookPublicKey: "MIIBIjANBgkq" }),
    ],
    /webhookPublicKey is not a public key/,
  ],
  [
    "profile with a clock that is not a URL",
    [
      "--profile",
      file("clock.json", { cards: { successful: "4200000000000000" }, clock: { admin: "ftp://x" } }),
    ],
    /clock\.admin must be an http\(s\) URL or a path/,
  ],
  [
    "malformed --webhook-listen (embedded mock)",
    ["--webhook-listen", "localhost"],
    /--webhook-listen must be host:port/,
  ],
  [
    "--webhook-listen on an address this host does not have",
    ["--webhook-listen", "192.0.2.1:4567"],
    /--webhook-listen 192\.0\.2\.1:4567: cannot listen there \(EADDRNOTAVAIL\)/,
  ],
  [
    "report in a folder that does not exist",
    ["--reporter", `junit=${join(dir, "no-dir", "r.xml")}`],
    /--reporter junit= .*r\.xml: cannot write this file/,
  ],
  [
    "report path that is a folder",
    ["--reporter", `html=${dir}`],
    /cannot write this file \(it is a directory\)/,
  ],
  // root writes anywhere: the read-only case only means something for other users.
  ...(process.getuid?.() === 0
    ? []
    : ([
        [
          "report in a read-only folder",
          ["--reporter", "pretty", "--reporter", `har=${join(readOnlyDir, "x.har")}`],
          /cannot write this file \(EACCES\)/,
        ],
      ] as Array<[string, string[], RegExp]>)),
  [
    "baseline to write in a folder that does not exist",
    ["--write-baseline", join(dir, "no-dir", "b.json")],
    /--write-baseline .*b\.json: cannot write this file/,
  ],
  [
    "two reporters on stdout",
    ["--reporter", "json", "--reporter", "junit"],
    /only one reporter may write to stdout, got json and junit/,
  ],
  [
    "--rate -1",
    ["--rate", "-1"],
    /--rate must be a number from 0\.1 to 10000 \(requests per second\), got "-1"/,
  ],
  ["--max-duration that is not a duration", ["--max-duration", "soon"], /--max-duration must be a duration/],
  ["unknown suite", ["--suite", "nope"], /unknown suite "nope"/],
  ["unknown reporter", ["--reporter", "xml"], /unknown reporter "xml"/],
  ["unknown option", ["--frobnicate"], /Unknown option '--frobnicate'/],
  [
    "malformed baseline",
    ["--baseline", file("baseline.json", { accepted: [{ check: "x" }] })],
    /accepted\[0\]\.check must name a known check/,
  ],
  [
    "--base-url that is not http",
    ["--base-url", "ftp://sandbox.example", "--shop-id", "1", "--secret-key", "k"],
    /absolute http\(s\) URL/,
  ],
  [
    "remote target without credentials",
    ["--base-url", "http://127.0.0.1:9"],
    /needs --shop-id and --secret-key/,
  ],
  [
    "production host with a trailing dot and upper case",
    ["--base-url", "https://GATEWAY.pay-cross.com.:443/", "--shop-id", "1", "--secret-key", "k"],
    /production gateway/,
  ],
  [
    "invalid profile for a remote target",
    ["--profile", file("bad2.json", { cards: {}, amountRange: [1, 99999] }), ...REMOTE],
    /amountRange max must be at most 10000/,
  ],
];

describe("usage errors exit 2 at once, naming the problem, leaving no process behind", () => {
  it.each(CASES)("%s", { timeout: 30_000 }, async (_name, args, message) => {
    const r = await run(args);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain("    at "); // no stack trace
    expect(r.lingerMs, "time between the message and the exit").toBeLessThan(1_000);
    expect(gone(r.pid)).toBe(true);
  });
});

describe("the target", () => {
  it("a DNS failure is named as one, exit 2", { timeout: 30_000 }, async () => {
    const r = await run([
      "--base-url",
      "http://no-such-host.invalid",
      "--shop-id",
      "1",
      "--secret-key",
      "kk-secret",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /cannot reach http:\/\/no-such-host\.invalid: DNS lookup of no-such-host\.invalid failed/,
    );
  });
});
