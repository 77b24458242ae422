/**
 * `@paycross/spec/catalogue` is the cheap entry: the catalogue and the generated types without ajv or
 * the bundled document. Checked on the built package in a fresh Node process, through the exports map.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { components, OperationName, operations, paths, webhooks } from "@paycross/spec/catalogue";
import { describe, expect, it } from "vitest";
import { OPERATION_NAMES, OPERATIONS } from "../src/catalogue.js";

// Compiles only if the subpath's declared types carry the catalogue and the generated types.
const typed: {
  name: OperationName;
  path: keyof paths;
  op: keyof operations;
  schema: keyof components["schemas"];
  hook: keyof webhooks;
} = {
  name: "credit",
  path: "/transactions/credits",
  op: "createCredit",
  schema: "CreditRequestEnvelope",
  hook: "transactionNotification",
};

const packageDir = new URL("..", import.meta.url);

/** Imports `specifier` in a new process; reports the CommonJS modules and files it loaded. */
function loadIn(specifier: string): { ajv: boolean; documentRead: boolean; names: string[] } {
  const script = `
    import fs from "node:fs";
    import { createRequire, syncBuiltinESMExports } from "node:module";
    const read = fs.readFileSync;
    let documentRead = false;
    fs.readFileSync = (p, ...rest) => { if (String(p).includes("openapi")) documentRead = true; return read(p, ...rest); };
    syncBuiltinESMExports(); // named imports of node:fs see the patched function too
    const mod = await import(${JSON.stringify(specifier)});
    if (typeof mod.getContract === "function") mod.getContract();
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({
      ajv: cache.some((f) => /[\\\\/]ajv[\\\\/]/.test(f)),
      documentRead,
      names: mod.OPERATION_NAMES,
    }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out) as { ajv: boolean; documentRead: boolean; names: string[] };
}

describe("@paycross/spec/catalogue", () => {
  it("gives the catalogue without loading ajv or reading the bundled document", () => {
    const light = loadIn("@paycross/spec/catalogue");
    expect(light).toEqual({ ajv: false, documentRead: false, names: OPERATION_NAMES });
  });

  it("is told apart from the main entry, which does load ajv and the document (the check can fail)", () => {
    const full = loadIn("@paycross/spec");
    expect(full.ajv).toBe(true);
    expect(full.documentRead).toBe(true);
    expect(full.names).toEqual(OPERATION_NAMES);
  });

  it("is declared in the exports map with its types, and its built file imports nothing at run time", () => {
    const pkg = JSON.parse(readFileSync(new URL("package.json", packageDir), "utf8")) as {
      exports: Record<string, unknown>;
    };
    expect(pkg.exports["./catalogue"]).toEqual({
      types: "./dist/catalogue.d.ts",
      default: "./dist/catalogue.js",
    });
    const built = readFileSync(new URL("dist/catalogue.js", packageDir), "utf8");
    expect(built).not.toMatch(/^\s*import\s/m);
    const types = readFileSync(new URL("dist/catalogue.d.ts", packageDir), "utf8");
    for (const name of ["components", "operations", "paths", "webhooks"]) expect(types).toContain(name);
    expect(Object.keys(OPERATIONS)).toEqual(OPERATION_NAMES);
    expect(OPERATIONS[typed.name].syncPath).toBe(typed.path);
  });
});

describe("@paycross/spec/types", () => {
  it("is the generated types alone: no ajv, no document, no names at run time", () => {
    expect(loadIn("@paycross/spec/types")).toEqual({ ajv: false, documentRead: false });
    const pkg = JSON.parse(readFileSync(new URL("package.json", packageDir), "utf8")) as {
      exports: Record<string, unknown>;
      files: string[];
    };
    expect(pkg.exports["./types"]).toEqual({
      types: "./dist/generated/schema.d.ts",
      default: "./dist/openapi-types.js",
    });
    // Resolvers without exports maps (and the client's declaration bundler) read types/package.json.
    const legacy = JSON.parse(readFileSync(new URL("types/package.json", packageDir), "utf8")) as {
      types: string;
    };
    expect(legacy.types).toBe("../dist/generated/schema.d.ts");
    expect(pkg.files).toContain("types");
  });
});
