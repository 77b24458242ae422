/**
 * The size rules of CONTRIBUTING.md, measured with the TypeScript compiler's own parser: a hand-written
 * source file has at most MAX_FILE_LINES lines, a function at most MAX_FUNCTION_LINES (counted from its
 * first line to its last, nested functions included). Generated code is not hand-written and not measured.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export const MAX_FILE_LINES = 350;
export const MAX_FUNCTION_LINES = 80;

/** Generated (marked, made by a turbo task) or not source at all. */
const NOT_HAND_WRITTEN = [/(^|\/)src\/generated\//, /(^|\/)dist\//, /\.d\.ts$/, /(^|\/)node_modules\//];

/** Calls whose callback only groups tests (`describe("...", () => { it(...); it(...) })`): not logic. */
const GROUPING_CALLS = new Set([
  "describe",
  "describe.each",
  "describe.skip",
  "describe.only",
  "describe.skipIf",
]);

export interface Violation {
  file: string;
  what: string;
  lines: number;
  limit: number;
}

/** The hand-written .ts/.mts/.mjs files git knows of (tracked or new), relative to `root`. */
export function handWrittenSources(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  return out
    .split("\0")
    .filter((f) => /\.(ts|mts|mjs)$/.test(f) && !NOT_HAND_WRITTEN.some((re) => re.test(f)))
    .sort();
}

function calleeName(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const e = node.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression))
    return `${e.expression.text}.${e.name.text}`;
  if (ts.isCallExpression(e)) return calleeName(e); // describe.each(table)("...", fn)
  return undefined;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (ts.isCallExpression(parent)) return `callback of ${parent.expression.getText(sf).slice(0, 40)}`;
  return "anonymous function";
}

/** Every function of one file longer than the limit, and the file itself if it is too long. */
export function measure(file: string, text: string): Violation[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const violations: Violation[] = [];
  const fileLines = sf.getLineAndCharacterOfPosition(sf.end).line + (text.endsWith("\n") ? 0 : 1);
  if (fileLines > MAX_FILE_LINES)
    violations.push({ file, what: "file", lines: fileLines, limit: MAX_FILE_LINES });
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const grouping = GROUPING_CALLS.has(calleeName(node.parent) ?? "");
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      if (!grouping && lines > MAX_FUNCTION_LINES)
        violations.push({
          file: `${file}:${first + 1}`,
          what: `function ${nameOf(node, sf)}`,
          lines,
          limit: MAX_FUNCTION_LINES,
        });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return violations;
}

export function measureRepository(root: string): Violation[] {
  return handWrittenSources(root).flatMap((f) => measure(f, readFileSync(join(root, f), "utf8")));
}
