/** What --suite, --check and --skip select; anything they name that does not exist is a usage error. */
import { CHECKS, type CheckId, SUITES, suiteOf } from "./checks/catalog.js";
import { UsageError } from "./errors.js";

export interface SelectionInput {
  suites?: string[] | undefined;
  checks?: string[] | undefined;
  skip?: string[] | undefined;
}

export function validateSelection(opts: SelectionInput): void {
  const ids = new Set<string>(CHECKS.map((c) => c.id));
  const suites = new Set<string>(SUITES);
  for (const s of opts.suites ?? [])
    if (!suites.has(s))
      throw new UsageError(`unknown suite ${JSON.stringify(s)}; suites: ${SUITES.join(", ")}`);
  for (const c of opts.checks ?? [])
    if (!ids.has(c)) throw new UsageError(`unknown check ${JSON.stringify(c)}; run --list-checks`);
  for (const c of opts.skip ?? [])
    if (!ids.has(c) && !suites.has(c))
      throw new UsageError(`unknown check or suite to skip: ${JSON.stringify(c)}`);
}

/** Whether a check runs under this selection. `run.*` is about the run itself and always selected. */
export function isSelected(id: CheckId, opts: SelectionInput): boolean {
  const suite = suiteOf(id);
  if (opts.skip?.includes(id) || opts.skip?.includes(suite)) return false;
  if (suite === "run") return true;
  if (opts.checks?.length) return opts.checks.includes(id);
  if (opts.suites?.length) return opts.suites.includes(suite);
  return true;
}
