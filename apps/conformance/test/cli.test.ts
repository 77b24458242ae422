import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockGateway } from "@paycross/mock-gateway";
import { afterAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../bin/paycross-conformance.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "paycross-conformance-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A remote target on a port where nothing listens (9, discard). */
const NOTHING_LISTENS = ["--base-url", "http://127.0.0.1:9", "--shop-id", "1", "--secret-key", "k"];

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    // From a folder outside the workspace: the bin must work on its own.
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("paycross-conformance", () => {
  it("--help exits 0; --list-checks names every check", { timeout: 30_000 }, async () => {
    expect((await run(["--help"])).code).toBe(0);
    expect((await run(["--version"])).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const list = await run(["--list-checks"]);
    expect(list.out).toMatch(/async\.read_once_error\s+A non-200 result is returned once/);
  });

  it("with no arguments checks the embedded mock and exits 0, writing JUnit", {
    timeout: 60_000,
  }, async () => {
    const junitPath = join(dir, "junit.xml");
    const r = await run(["--reporter", "pretty", "--reporter", `junit=${junitPath}`]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/All applicable checks passed/);
    expect(readFileSync(junitPath, "utf8")).toMatch(/<testsuites name="paycross-conformance"/);
  });

  it("runs against a gateway given only a URL and credentials, never echoing the key", {
    timeout: 60_000,
  }, async () => {
    const gw = await startMockGateway({ secretKey: "sandbox-secret-abc123", asyncDelayMs: 50 });
    try {
      const r = await run(["--base-url", gw.url, "--suite", "contract,auth", "--reporter", "json"], {
        PAYCROSS_SHOP_ID: gw.shopId,
        PAYCROSS_SECRET_KEY: "sandbox-secret-abc123",
      });
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out);
      expect(report.failed).toBe(0);
      expect(r.out + r.err).not.toContain("sandbox-secret-abc123");
    } finally {
      await gw.close();
    }
  });

  it("exits 1 when a check fails against the target", { timeout: 60_000 }, async () => {
    // A profile whose "incomplete" card is one the mock approves at once: the follow-up check fails.
    const profile = join(dir, "wrong-incomplete.json");
    writeFileSync(
      profile,
      JSON.stringify({ cards: { successful: "4200000000000000", incomplete: "4200000000000000" } }),
    );
    const r = await run(["--profile", profile, "--suite", "followup"]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/followup\.incomplete_reaches_final/);
    expect(r.out).toMatch(/reproduce: curl -sS -X POST/);
  });

  it("refused credentials: exit 2 with one line naming the shop, no cascade of failures", {
    timeout: 60_000,
  }, async () => {
    const gw = await startMockGateway();
    try {
      const r = await run(["--base-url", gw.url, "--shop-id", gw.shopId, "--secret-key", "wrong-key-zzz"]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`the gateway refused these credentials for shop ${gw.shopId}`);
      expect(r.out).toBe("");
      expect(r.err.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(r.out + r.err).not.toContain("wrong-key-zzz");
      expect(r.out + r.err).not.toContain("undefined");
    } finally {
      await gw.close();
    }
  });

  it("file-only reporters: a progress line and the summary are still printed", {
    timeout: 60_000,
  }, async () => {
    const jsonPath = join(dir, "report.json");
    const htmlPath = join(dir, "report.html");
    const r = await run([
      "--suite",
      "auth",
      "--reporter",
      `json=${jsonPath}`,
      "--reporter",
      `html=${htmlPath}`,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^paycross-conformance: checking the embedded mock gateway with \d+ checks…/);
    expect(r.out).toMatch(
      /^All applicable checks passed: \d+ passed of \d+ results \(.* s\); reports: json → .*report\.json, html → .*report\.html\n$/,
    );
    expect(JSON.parse(readFileSync(jsonPath, "utf8")).failed).toBe(0);
    expect(readFileSync(htmlPath, "utf8")).toMatch(/^<!doctype html>/);
  });

  it("--write-baseline says what it wrote and exits 0; the baseline then accepts those failures", {
    timeout: 60_000,
  }, async () => {
    const profile = join(dir, "wrong-incomplete-2.json");
    writeFileSync(
      profile,
      JSON.stringify({ cards: { successful: "4200000000000000", incomplete: "4200000000000000" } }),
    );
    const baselinePath = join(dir, "known.json");
    const wrote = await run(["--profile", profile, "--suite", "followup", "--write-baseline", baselinePath]);
    expect(wrote.code, wrote.err).toBe(0);
    expect(wrote.err).toContain(`wrote ${baselinePath} accepting 1 known failure(s)`);
    const baseline = JSON.parse(readFileSync(baselinePath, "utf8"));
    expect(baseline.accepted[0].check).toBe("followup.incomplete_reaches_final");
    const again = await run(["--profile", profile, "--suite", "followup", "--baseline", baselinePath]);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/1 known failure\(s\) accepted by the baseline/);
  });

  it("exits 2 on bad usage, naming the problem", { timeout: 60_000 }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--frobnicate"], /Unknown option '--frobnicate'/],
      [["--suite", "nope"], /unknown suite "nope"/],
      [["--reporter", "xml"], /unknown reporter "xml"/],
      [
        ["--base-url", "https://gateway.pay-cross.com", "--shop-id", "1", "--secret-key", "k"],
        /production gateway/,
      ],
      [["--base-url", "http://127.0.0.1:9"], /needs --shop-id and --secret-key/],
      [["--rate", "fast"], /--rate must be a number/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
    }
    const badProfile = join(dir, "bad-profile.json");
    writeFileSync(badProfile, JSON.stringify({ cards: { successful: "12" } }));
    const r = await run(["--profile", badProfile, ...NOTHING_LISTENS]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cards\.successful must be a card number/);
  });

  it("exits 2 when the target is unreachable", { timeout: 30_000 }, async () => {
    const r = await run([...NOTHING_LISTENS, "--timeout-ms", "2000"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
