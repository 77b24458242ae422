/**
 * Issue 17: "zero cost when the API is absent". In a child process where `@opentelemetry/api` cannot be
 * resolved (a module hook refuses it, as on a machine without the optional peer), 40 payments run through
 * the poller and the client against the mock: the client and the poller each try the import once per process
 * (cached, never per call or per task), nothing from OpenTelemetry loads, and every payment completes.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = fileURLToPath(new URL("./otel-absent/", import.meta.url));

describe("OpenTelemetry absent", () => {
  it("the optional API is looked up once per package and process, never per call, and nothing else loads", async () => {
    const { stdout } = await run(process.execPath, ["--import", `${here}hide.mjs`, `${here}child.mjs`], {
      cwd: here,
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
      outcomes: string[];
      attempts: string[];
      loaded: string[];
    };
    expect(seen.outcomes).toHaveLength(40);
    expect(new Set(seen.outcomes)).toEqual(new Set(["successful"]));
    // One attempt by the client's tracing, one by the poller's telemetry: 80 calls and 40 tasks later.
    expect(seen.attempts).toEqual(["@opentelemetry/api", "@opentelemetry/api"]);
    expect(seen.loaded).toEqual([]);
  });
});
