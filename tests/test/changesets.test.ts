/**
 * Every changeset is one `changeset version` can use: its front matter names published packages of this
 * workspace with a bump it knows, and it says what changed. Biome cannot lint these files (its Markdown
 * formatter reads the front matter as a heading), so this test is their lint; a typo in a package name
 * would otherwise surface only at release time.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { publishedPackages, repoRoot } from "@paycross/testkit";
import { describe, expect, it } from "vitest";

const root = repoRoot(import.meta.dirname);
const dir = join(root, ".changeset");
const published = new Set(publishedPackages(root).map((p) => p.name));
const files = readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md");

/** The problems of one changeset, in words; none when it is usable. */
function changesetProblems(text: string, known: ReadonlySet<string>): string[] {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) return ["no front matter between two --- lines at the top"];
  const problems: string[] = [];
  const lines = m[1]!.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) problems.push("names no package");
  for (const line of lines) {
    const entry = /^\s*(["']?)(@?[\w.-]+(?:\/[\w.-]+)?)\1\s*:\s*(patch|minor|major)\s*$/.exec(line);
    if (!entry) problems.push(`cannot read ${JSON.stringify(line)} (want "<package>": patch|minor|major)`);
    else if (!known.has(entry[2]!)) problems.push(`${entry[2]} is not a published package of this workspace`);
  }
  if (m[2]!.trim().length < 20) problems.push("says too little about what changed");
  return problems;
}

describe("changesets", () => {
  it("there is at least one, and every one names published packages with a known bump and a summary", () => {
    expect(files.length).toBeGreaterThan(0);
    const bad = files
      .map((f) => [f, changesetProblems(readFileSync(join(dir, f), "utf8"), published)] as const)
      .filter(([, problems]) => problems.length > 0);
    expect(bad).toEqual([]);
  });

  it("the check itself refuses a typo, an unknown bump and a missing summary", () => {
    const known = new Set(["@paycross/client"]);
    expect(
      changesetProblems('---\n"@paycross/client": minor\n---\n\nA summary long enough.\n', known),
    ).toEqual([]);
    expect(
      changesetProblems('---\n"@paycross/clinet": minor\n---\n\nA summary long enough.\n', known),
    ).toEqual(["@paycross/clinet is not a published package of this workspace"]);
    expect(
      changesetProblems('---\n"@paycross/client": huge\n---\n\nA summary long enough.\n', known)[0],
    ).toMatch(/cannot read/);
    expect(changesetProblems('---\n"@paycross/client": patch\n---\n\n', known)).toEqual([
      "says too little about what changed",
    ]);
    expect(changesetProblems("no front matter", known)).toEqual([
      "no front matter between two --- lines at the top",
    ]);
  });
});
