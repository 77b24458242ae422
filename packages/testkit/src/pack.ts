/**
 * Pack and install, as a user gets the packages: each workspace package packed with `pnpm pack` (so
 * `files`, `exports` and the `workspace:` ranges are what the registry would serve), then installed into
 * a project outside the workspace, with every @paycross dependency pointed at its tarball.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPnpm } from "./run.js";
import { publishedPackages, repoRoot } from "./workspace.js";

/** Packs the named workspace packages (default: every published one) into `dest`; name → tarball path. */
export async function packWorkspace(
  dest: string,
  options: { root?: string; packages?: string[] } = {},
): Promise<Record<string, string>> {
  const root = options.root ?? repoRoot();
  const all = publishedPackages(root);
  const wanted = options.packages ?? all.map((p) => p.name);
  mkdirSync(dest, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const name of wanted) {
    const pkg = all.find((p) => p.name === name);
    if (!pkg) throw new Error(`packWorkspace: ${name} is not a published workspace package`);
    const before = new Set(readdirSync(dest));
    const r = await runPnpm(root, ["pack", "--pack-destination", dest], { cwd: pkg.dir, timeoutMs: 120_000 });
    if (r.status !== 0) throw new Error(`pnpm pack ${name} failed (${r.status}):\n${r.output}`);
    const file = readdirSync(dest).find((f) => f.endsWith(".tgz") && !before.has(f));
    if (!file) throw new Error(`pnpm pack ${name}: no new tarball in ${dest}`);
    tarballs[name] = join(dest, file);
  }
  return tarballs;
}

export interface InstallOptions {
  root?: string;
  /** Tarballs by package name (from packWorkspace); all are used as overrides. */
  tarballs: Record<string, string>;
  /** Which packed packages the project depends on directly (default: all). */
  dependencies?: string[];
  /** Registry packages, exact versions (served from the pnpm store when present). */
  devDependencies?: Record<string, string>;
  /** Extra package.json fields of the project (type, scripts, ...). */
  manifest?: Record<string, unknown>;
}

/** Writes a project in `dir` that depends on the tarballs and installs it, outside any workspace. */
export async function installTarballs(dir: string, options: InstallOptions): Promise<void> {
  const root = options.root ?? repoRoot();
  const file = Object.fromEntries(Object.entries(options.tarballs).map(([n, t]) => [n, `file:${t}`]));
  const direct = options.dependencies ?? Object.keys(file);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify(
      {
        name: "paycross-consumer",
        private: true,
        type: "module",
        ...options.manifest,
        dependencies: Object.fromEntries(direct.map((n) => [n, file[n]])),
        devDependencies: options.devDependencies ?? {},
        pnpm: { overrides: file },
      },
      null,
      2,
    )}\n`,
  );
  const r = await runPnpm(
    root,
    ["install", "--prefer-offline", "--ignore-workspace", "--reporter=append-only"],
    {
      cwd: dir,
      timeoutMs: 240_000,
    },
  );
  if (r.status !== 0) throw new Error(`pnpm install in ${dir} failed (${r.status}):\n${r.output}`);
}

/** packWorkspace + installTarballs: a consumer project in `dir/app`, tarballs in `dir/tarballs`. */
export async function packAndInstall(
  dir: string,
  options: Omit<InstallOptions, "tarballs"> & { packages?: string[] } = {},
): Promise<{ app: string; tarballs: Record<string, string> }> {
  const root = options.root ?? repoRoot();
  const pack = options.packages ? { root, packages: options.packages } : { root };
  const tarballs = await packWorkspace(join(dir, "tarballs"), pack);
  const app = join(dir, "app");
  await installTarballs(app, { ...options, root, tarballs });
  return { app, tarballs };
}
