// The vendor's published samples against the contract: every one is accepted, or listed in the manifest
// as rightly rejected, with the only JSON pointers the contract may refuse. See fixtures/manifest.json.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Contract, type SchemaIssue } from "../src/index.js";

interface Sample {
  file: string;
  source: { repository: string; path: string; commit: string };
  kind: "request" | "response" | "notification";
  operation: string;
  operationId: string;
  status?: number;
  /** For an async result: the operation whose standard answer it is. */
  resultOf?: string;
  envelope?: "request";
  note?: string;
  expect: "accepted" | { rejected: string; at: string[] };
}

const dir = new URL("./fixtures/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as { samples: Sample[] };
const samples = manifest.samples;
const contract = new Contract();

function validate(sample: Sample): SchemaIssue[] {
  const raw: unknown = JSON.parse(readFileSync(new URL(sample.file, dir), "utf8"));
  const body = sample.envelope === "request" ? { request: raw } : raw;
  if (sample.kind === "request") return contract.validateRequestBody(sample.operationId, body);
  if (sample.kind === "notification") return contract.validateSchema("TransactionResponse", body);
  const operationId = sample.resultOf ?? sample.operationId;
  const issues = contract.validateResponseBody(operationId, sample.status ?? 200, body);
  if (issues === undefined)
    throw new Error(`${sample.file}: no schema for ${sample.operationId} ${sample.status}`);
  return issues;
}

/** The top-level field of the envelope each issue is about (`/transaction/amount`, `/request/currency`). */
function fields(issues: SchemaIssue[]): string[] {
  return [...new Set(issues.map((i) => i.instancePath.split("/").slice(0, 3).join("/")))].sort();
}

const accepted = samples.filter((s) => s.expect === "accepted");
const rejected = samples.filter((s) => s.expect !== "accepted");

describe(`vendor samples: ${samples.length} samples, ${accepted.length} accepted, ${rejected.length} rightly rejected`, () => {
  it("are at least 40 over at least 10 operations, requests, responses and notifications", () => {
    expect(samples.length).toBeGreaterThanOrEqual(40);
    expect(new Set(samples.map((s) => s.operation)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(samples.map((s) => s.kind))).toEqual(new Set(["request", "response", "notification"]));
    for (const s of samples) expect(s.source.commit, s.file).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(accepted.map((s) => [s.file, s] as const))("%s is accepted", (_file, s) => {
    expect(validate(s)).toEqual([]);
  });

  it.each(rejected.map((s) => [s.file, s] as const))("%s is rejected, only where listed", (_file, s) => {
    const want = s.expect as { rejected: string; at: string[] };
    expect(want.rejected.length).toBeGreaterThan(10);
    expect(fields(validate(s))).toEqual([...want.at].sort());
  });
});
