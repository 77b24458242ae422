/**
 * README examples as data: every ```ts block of the root README and of each published package's README,
 * with where it came from, so that a compiler error points at the README line, not at a scratch file.
 *
 * Convention (CONTRIBUTING.md): a ```ts block is a whole program; it is type-checked under `strict`
 * against the packed packages and run twice in a row against a mock gateway. A block whose info string
 * says `compile-only` (```ts compile-only) is type-checked but not run (code that waits for a request,
 * or needs a service the harness does not start).
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { publishedPackages, workspacePackages } from "@paycross/testkit";

export interface Example {
  /** README path relative to the root, e.g. `packages/client/README.md`. */
  readme: string;
  /** Scratch file name: `packages-client-README-2.ts`. */
  file: string;
  /** 1-based README line of the block's first code line. */
  line: number;
  code: string;
  run: boolean;
}

export function readmesToCheck(root: string): string[] {
  const paths = ["README.md", ...publishedPackages(root).map((p) => `${p.path}/README.md`)];
  return paths.filter((p) => {
    try {
      readFileSync(join(root, p));
      return true;
    } catch {
      return false;
    }
  });
}

export function examplesOf(root: string, readme: string): Example[] {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const n = found.length + 1;
    found.push({
      readme,
      file: `${readme.replace(/\.md$/, "").replace(/[^A-Za-z0-9]+/g, "-")}-${n}.ts`,
      line: start + 1,
      code: lines.slice(start, end).join("\n"),
      run: !/\bcompile-only\b/.test(open[2] ?? ""),
    });
    i = end;
  }
  return found;
}

/** Bare module names the examples import, outside @paycross and Node's built-ins. */
export function thirdPartyImports(examples: Example[]): string[] {
  const names = new Set<string>();
  for (const e of examples)
    for (const m of e.code.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/g)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith(".") || spec.startsWith("node:") || spec.startsWith("@paycross/")) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
      if (!builtinModules.includes(name)) names.add(name);
    }
  return [...names];
}

/** The exact version a workspace manifest pins for `name` (examples use what the packages are tested with). */
export function workspaceVersion(root: string, name: string): string {
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  for (const m of [rootManifest, ...workspacePackages(root).map((p) => p.manifest)]) {
    for (const field of ["devDependencies", "dependencies"]) {
      const v = (m[field] as Record<string, string> | undefined)?.[name];
      if (v && /^\d+\.\d+\.\d+/.test(v)) return v;
    }
  }
  throw new Error(`README examples import ${name}, which no workspace manifest pins to an exact version`);
}

/** Rewrites `file.ts(12,3): error TS…` lines of tsc's output to `README.md:<line>: error TS…`. */
export function diagnosticsFor(tscOutput: string, example: Example): string[] {
  const out: string[] = [];
  let mine = false;
  for (const line of tscOutput.split("\n")) {
    const m = /^(?:.*\/)?([^/(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (m) mine = m[1] === example.file;
    if (m && mine) out.push(`${example.readme}:${example.line + Number(m[2]) - 1}:${m[3]}: ${m[4]}`);
    else if (mine && /^\s/.test(line)) out[out.length - 1] += `\n${line}`; // a message's continuation lines
  }
  return out;
}
