/**
 * A newcomer's first install and run are quiet: on a fresh copy of the repository (no node_modules, no
 * dist, no turbo cache), in an environment with none of the settings that CI or a developer's own config
 * would bring (no CI variable, empty user .npmrc, fresh XDG folders), the README's commands print no WARN
 * line and no banner. Everything that keeps them quiet must therefore come from the project's own files.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyWorkspace, newcomerEnv, type RunResult, repoRoot, runPnpm } from "@paycross/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = repoRoot(import.meta.dirname);
const work = mkdtempSync(join(tmpdir(), "paycross-quiet-"));
const repo = join(work, "repo");
let env: NodeJS.ProcessEnv;

/** What counts as noise, each with the tool that printed it when this test was written. */
const NOISE: Array<[name: string, pattern: RegExp]> = [
  ["a WARN line (pnpm: bins that do not exist yet, ...)", /\bWARN\b/],
  ["an update notice (pnpm, npm, turbo)", /update available|new (major|minor|patch) version of/i],
  ["turbo's telemetry banner", /anonymous telemetry/i],
  ["a boxed notice (Redocly's Node 20 and Redoc 3 boxes, update boxes)", /[╭╮╰╯╔╗╚╝]/],
  ["an npm notice", /npm notice/],
  ["an 'experimental' note (vitest typecheck, Node)", /experimental feature|ExperimentalWarning/i],
  ["a deprecation warning", /DeprecationWarning|deprecation warning/i],
  ["are-the-types-wrong's skull", /💀/],
];

function noiseIn(result: RunResult): string[] {
  const found: string[] = [];
  for (const line of result.output.split("\n"))
    for (const [name, pattern] of NOISE) if (pattern.test(line)) found.push(`${name}: ${line.trim()}`);
  return found;
}

beforeAll(() => {
  copyWorkspace(root, repo);
  env = newcomerEnv(join(work, "home"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a newcomer's first install and run", () => {
  it("install prints no WARN and no banner", async () => {
    const r = await runPnpm(root, ["install", "--frozen-lockfile", "--prefer-offline"], { cwd: repo, env });
    expect.soft(noiseIn(r)).toEqual([]);
    expect(r.status, r.output.slice(-4_000)).toBe(0);
  });

  it("build prints no WARN and no banner", async () => {
    const r = await runPnpm(root, ["build"], { cwd: repo, env, timeoutMs: 840_000 });
    expect.soft(noiseIn(r)).toEqual([]);
    expect(r.status, r.output.slice(-4_000)).toBe(0);
  });

  it("the conformance command prints no WARN and no banner", async () => {
    const r = await runPnpm(root, ["conformance"], { cwd: repo, env, timeoutMs: 300_000 });
    // 0: every check passed, 1: a check failed (its own tests say which); never a usage error or a crash.
    expect([0, 1], r.output.slice(-4_000)).toContain(r.status);
    expect(r.output).toMatch(/passed/);
    expect(noiseIn(r)).toEqual([]);
  });
});
