/**
 * The whole-repository tasks see every package: this package depends on every published one (so turbo
 * builds them all before the README examples and the API reports are checked), and every published
 * package has an API report.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { publishedPackages, repoRoot } from "@paycross/testkit";
import { describe, expect, it } from "vitest";

const root = repoRoot(import.meta.dirname);
const published = publishedPackages(root).map((p) => p.name);
const self = JSON.parse(readFileSync(join(root, "tests", "package.json"), "utf8"));

describe("whole-repository tasks cover every published package", () => {
  it("@paycross/repo-tests depends on each of them", () => {
    const deps = Object.keys({ ...self.dependencies, ...self.devDependencies });
    expect(published.filter((n) => !deps.includes(n))).toEqual([]);
  });

  it("each has a checked-in API report", () => {
    const missing = published.filter(
      (n) => !existsSync(join(root, "api-reports", `${n.replace("/", "__")}.api.md`)),
    );
    expect(missing).toEqual([]);
  });
});
