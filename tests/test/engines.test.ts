/**
 * `engines` tells the truth. The decision (CONTRIBUTING.md, "Supported Node versions"): the packages and
 * the toolchain support Node.js >= 20.19, and the test machine runs Node 20. That holds only while every
 * installed dependency also accepts the oldest Node we claim, so this walks the whole installed tree.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, workspacePackages } from "@paycross/testkit";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = repoRoot(import.meta.dirname);
const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const declared: string = rootManifest.engines.node;
const oldest = semver.minVersion(declared)!.version;

/** name@version → engines.node of every package pnpm installed (its virtual store). */
function installedEngines(): Map<string, string | undefined> {
  const store = join(root, "node_modules", ".pnpm");
  const found = new Map<string, string | undefined>();
  for (const entry of readdirSync(store)) {
    const nm = join(store, entry, "node_modules");
    if (!existsSync(nm)) continue;
    for (const top of readdirSync(nm)) {
      const names = top.startsWith("@") ? readdirSync(join(nm, top)).map((n) => `${top}/${n}`) : [top];
      for (const name of names) {
        const file = join(nm, name, "package.json");
        if (!existsSync(file)) continue;
        const m = JSON.parse(readFileSync(file, "utf8"));
        found.set(`${m.name}@${m.version}`, m.engines?.node);
      }
    }
  }
  return found;
}

describe("engines tells the truth", () => {
  it("every workspace package declares the root's Node range", () => {
    const wrong = workspacePackages(root)
      .filter((p) => !p.private)
      .filter((p) => (p.manifest.engines as { node?: string } | undefined)?.node !== declared)
      .map((p) => p.name);
    expect(wrong).toEqual([]);
  });

  it("the Node running the tests is inside the declared range", () => {
    expect(semver.satisfies(process.version, declared), `${process.version} vs ${declared}`).toBe(true);
  });

  it(`every installed dependency accepts the oldest Node we claim (${oldest})`, () => {
    const engines = installedEngines();
    expect(engines.size).toBeGreaterThan(100);
    const refusing = [...engines]
      .filter(([, range]) => range && !semver.satisfies(oldest, range, { includePrerelease: true }))
      .map(([id, range]) => `${id} wants node ${range}`);
    expect(refusing).toEqual([]);
  });
});
