/**
 * The workspace as data: its root, its packages (from pnpm-workspace.yaml, so a new package is picked up
 * without a list to edit) and a copy of its sources for tests that need a fresh checkout.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface WorkspacePackage {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the root, with `/`. */
  path: string;
  private: boolean;
  manifest: Record<string, unknown> & { name: string; version?: string; private?: boolean };
}

/** The folder holding pnpm-workspace.yaml, searched upwards from `from`. */
export function repoRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

/** The `packages:` globs of pnpm-workspace.yaml (only `dir` and `dir/*` forms are used here). */
export function workspaceGlobs(root: string): string[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split("\n")) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    const item = inPackages && /^\s+-\s+["']?([^"'#]+?)["']?\s*(#.*)?$/.exec(line);
    if (item) globs.push(item[1]!);
  }
  for (const g of globs)
    if (/[*?[{]/.test(g.replace(/\/\*$/, "")))
      throw new Error(`pnpm-workspace.yaml: glob ${g} is not of the form dir or dir/*`);
  return globs;
}

export function workspacePackages(root: string = repoRoot()): WorkspacePackage[] {
  const dirs = workspaceGlobs(root).flatMap((g) =>
    g.endsWith("/*")
      ? readdirSync(join(root, g.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${g.slice(0, -2)}/${d.name}`)
      : [g],
  );
  return dirs
    .filter((p) => existsSync(join(root, p, "package.json")))
    .map((p) => {
      const manifest = JSON.parse(readFileSync(join(root, p, "package.json"), "utf8"));
      return {
        name: manifest.name,
        dir: join(root, p),
        path: p,
        private: manifest.private === true,
        manifest,
      };
    });
}

/** Packages a user installs from the registry (not `private`). */
export function publishedPackages(root: string = repoRoot()): WorkspacePackage[] {
  return workspacePackages(root).filter((p) => !p.private);
}

/**
 * Copies the workspace's sources as a fresh clone would have them (tracked and untracked-but-not-ignored
 * files; no node_modules, dist or caches) into `dest`, and makes it a git repository with those files
 * staged, so that tools hashing through git see what they would see in a clone.
 */
export function copyWorkspace(root: string, dest: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  })
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(root, f))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(root, f), join(dest, f));
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dest, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
}
