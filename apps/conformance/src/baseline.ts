/** Baselines: the failures a team accepts today, so that only new ones fail the run. */
import { CHECKS } from "./checks/catalog.js";
import { ProfileError } from "./errors.js";
import type { CheckResult } from "./types.js";

export interface Baseline {
  accepted: Array<{ check: string; operation?: string; reason?: string }>;
}

/** Reads a baseline file's content, naming what is wrong with it. */
export function parseBaseline(raw: unknown, where: string): Baseline {
  const b = raw as Baseline | null;
  if (!b || typeof b !== "object" || !Array.isArray(b.accepted))
    throw new ProfileError(`${where}: a baseline is {"accepted": [{"check": "...", "operation": "..."}]}`);
  const ids = new Set<string>(CHECKS.map((c) => c.id));
  b.accepted.forEach((a, i) => {
    if (!a || typeof a.check !== "string" || !ids.has(a.check))
      throw new ProfileError(`${where}: accepted[${i}].check must name a known check`);
    if (a.operation !== undefined && typeof a.operation !== "string")
      throw new ProfileError(`${where}: accepted[${i}].operation must be a string`);
  });
  return b;
}

/** Failures the baseline covers become `known_failure`. */
export function applyBaseline(results: CheckResult[], baseline: Baseline | undefined): CheckResult[] {
  if (!baseline) return results;
  return results.map((r) =>
    r.status === "failed" &&
    baseline.accepted.some(
      (a) => a.check === r.check && (a.operation === undefined || a.operation === r.operation),
    )
      ? { ...r, status: "known_failure" as const }
      : r,
  );
}

/** The baseline that accepts exactly the current failures. */
export function baselineOf(report: { results: CheckResult[] }): Baseline {
  const seen = new Set<string>();
  const accepted: Baseline["accepted"] = [];
  for (const r of report.results) {
    if (r.status !== "failed" && r.status !== "known_failure") continue;
    const key = `${r.check}|${r.operation ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    accepted.push({
      check: r.check,
      ...(r.operation ? { operation: r.operation } : {}),
      reason: r.message ?? "",
    });
  }
  return { accepted };
}
