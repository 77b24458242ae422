/**
 * The published bin, as a user gets it: every @paycross package packed to a tarball, installed into a
 * project outside the workspace, and `paycross-conformance` run from there against a gateway given only
 * a URL and credentials.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startMockGateway } from "@paycross/mock-gateway";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "paycross-conformance-bin-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pnpm = (args: string[], cwd: string) => {
  const r = spawnSync("npx", ["--yes", "pnpm@10.34.9", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pnpm ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout + r.stderr;
};

describe("the packed paycross-conformance", () => {
  it("installs outside the workspace and checks a gateway given only its URL and credentials", {
    timeout: 180_000,
  }, async () => {
    const packages = {
      "@paycross/spec": "spec",
      "@paycross/client": "packages/client",
      "@paycross/mock-gateway": "packages/mock-gateway",
      "@paycross/conformance": "apps/conformance",
    };
    const tarballs: Record<string, string> = {};
    for (const [name, dir] of Object.entries(packages)) {
      const before = new Set(readdirSync(work));
      pnpm(["pack", "--pack-destination", work], join(root, dir));
      const file = readdirSync(work).find((f) => f.endsWith(".tgz") && !before.has(f));
      tarballs[name] = `file:${join(work, file!)}`;
    }
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "merchant",
        private: true,
        dependencies: { "@paycross/conformance": tarballs["@paycross/conformance"] },
        pnpm: { overrides: tarballs },
      }),
    );
    const install = pnpm(["install", "--prefer-offline", "--ignore-workspace"], app);
    // The committed launcher exists before any build: no "Failed to create bin" on install.
    expect(install).not.toMatch(/Failed to create bin/);

    const gw = await startMockGateway({ secretKey: "published-bin-secret", asyncDelayMs: 30 });
    try {
      const bin = join(app, "node_modules", ".bin", "paycross-conformance");
      const { stdout, stderr } = await promisify(execFile)(
        bin,
        ["--base-url", gw.url, "--suite", "contract,async,auth", "--reporter", "json"],
        {
          cwd: app,
          env: { ...process.env, PAYCROSS_SHOP_ID: gw.shopId, PAYCROSS_SECRET_KEY: "published-bin-secret" },
          maxBuffer: 64 * 2 ** 20,
        },
      );
      const report = JSON.parse(stdout);
      expect(report.failed).toBe(0);
      expect(report.results.length).toBeGreaterThan(100);
      expect(stdout + stderr).not.toContain("published-bin-secret");
    } finally {
      await gw.close();
    }
  });
});
