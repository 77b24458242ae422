import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  copyWorkspace,
  publishedPackages,
  repoRoot,
  workspaceGlobs,
  workspacePackages,
} from "../src/index.js";

const root = repoRoot(import.meta.dirname);

describe("the workspace as data", () => {
  it("lists every package of pnpm-workspace.yaml, new ones included, without a list to edit", () => {
    expect(workspaceGlobs(root)).toContain("packages/*");
    const names = workspacePackages(root).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(["@paycross/spec", "@paycross/client", "@paycross/testkit"]),
    );
  });

  it("counts as published only packages that are not private", () => {
    const published = publishedPackages(root).map((p) => p.name);
    expect(published).toContain("@paycross/client");
    expect(published).not.toContain("@paycross/testkit");
    expect(published).not.toContain("@paycross/docs");
  });

  it("copies the sources a clone would have, without node_modules or build output", () => {
    const dest = mkdtempSync(join(tmpdir(), "paycross-testkit-copy-"));
    try {
      copyWorkspace(root, dest);
      expect(readFileSync(join(dest, "pnpm-workspace.yaml"), "utf8")).toContain("packages/*");
      expect(() => readFileSync(join(dest, "packages/testkit/package.json"))).not.toThrow();
      expect(() => readFileSync(join(dest, "node_modules/.modules.yaml"))).toThrow();
      expect(() => readFileSync(join(dest, "packages/testkit/dist/index.js"))).toThrow();
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
