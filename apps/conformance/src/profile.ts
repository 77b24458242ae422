/**
 * What a target needs beyond its URL: test cards and amounts that produce each outcome, time bounds,
 * and the target's test clock when it has one. Built in for the embedded mock; a JSON file for a
 * sandbox, validated fully at load (every problem named with its field).
 */
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { TEST_CARDS } from "@paycross/mock-gateway";
import { ProfileError } from "./errors.js";

export { ProfileError };

export interface Profile {
  name: string;
  currency: string;
  /** Small amounts, in minor units; each request uses a fresh one from this range. */
  amountRange: [number, number];
  /** The target's public test cards; reports print these in full so that the `curl` reproduces. */
  cards: {
    successful: string;
    failed?: string;
    incomplete?: string;
    error?: string;
  };
  expMonth: string;
  expYear: string;
  cvv: string;
  /** Budget of one async scenario (submit → result), and of a 3-D Secure follow-up. */
  asyncTimeoutMs: number;
  followUpTimeoutMs: number;
  /** Every request must answer within this bound (`contract.response_time`). */
  responseTimeMs: number;
  /** The target's test clock (POST {"advanceMs": n}): an absolute URL or a path on the target. */
  clock?: { admin: string };
  /** The shop's webhook public key (Base64 DER or PEM), as the back office shows it. */
  webhookPublicKey?: string;
  /** The embedded mock's key endpoint; not a profile-file field. */
  webhookPublicKeyPath?: string;
}

export const PROFILE_FIELDS = [
  "name",
  "currency",
  "amountRange",
  "cards",
  "expMonth",
  "expYear",
  "cvv",
  "asyncTimeoutMs",
  "followUpTimeoutMs",
  "responseTimeMs",
  "clock",
  "webhookPublicKey",
] as const;
const OUTCOMES = ["successful", "failed", "incomplete", "error"] as const;

/** The embedded mock's profile: its own test cards (from `@paycross/mock-gateway`) and its clock. */
export const MOCK_PROFILE: Profile = {
  name: "embedded mock gateway",
  currency: "USD",
  amountRange: [100, 100_000],
  cards: {
    successful: TEST_CARDS.successful,
    failed: TEST_CARDS.failed,
    incomplete: TEST_CARDS.incomplete,
    error: TEST_CARDS.error,
  },
  expMonth: "05",
  expYear: "2030",
  cvv: "123",
  // Budgets, not expectations: the mock finishes in milliseconds, a loaded CI machine may not.
  asyncTimeoutMs: 15_000,
  followUpTimeoutMs: 15_000,
  // Generous: the mock answers in milliseconds, but a loaded CI machine was seen stalling a loopback
  // request for over 10 s. A real hang is still caught (the broken-gateway test sets its own bound).
  responseTimeMs: 30_000,
  clock: { admin: "/__mock/clock" },
  webhookPublicKeyPath: "/__mock/webhooks",
};

/** Reads and checks a profile file; every problem is named with its field. */
export function loadProfile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ProfileError(`cannot read profile ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`profile ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseProfile(raw, path);
}

const PAN = /^[0-9]{12,19}$/;

function checkCards(cards: unknown, problems: string[]): void {
  if (!cards || typeof cards !== "object" || Array.isArray(cards)) {
    problems.push("cards must be an object with at least `successful`");
    return;
  }
  const c = cards as Record<string, unknown>;
  if (typeof c.successful !== "string" || !PAN.test(c.successful))
    problems.push("cards.successful must be a card number (12-19 digits)");
  for (const k of OUTCOMES.slice(1))
    if (c[k] !== undefined && (typeof c[k] !== "string" || !PAN.test(c[k] as string)))
      problems.push(`cards.${k} must be a card number (12-19 digits) when given`);
  for (const k of Object.keys(c))
    if (!(OUTCOMES as readonly string[]).includes(k))
      problems.push(`cards.${k} is not a known outcome (${OUTCOMES.join(", ")})`);
}

function checkClock(clock: unknown, problems: string[]): void {
  if (clock === undefined) return;
  const admin = (clock as { admin?: unknown } | null)?.admin;
  if (!clock || typeof clock !== "object" || Array.isArray(clock) || typeof admin !== "string") {
    problems.push('clock must be {"admin": "<URL or path of the target\'s test clock>"}');
    return;
  }
  for (const k of Object.keys(clock)) if (k !== "admin") problems.push(`clock.${k} is not a clock field`);
  if (admin.startsWith("/")) return;
  try {
    const url = new URL(admin);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
  } catch {
    problems.push(
      `clock.admin must be an http(s) URL or a path starting with /, got ${JSON.stringify(admin)}`,
    );
  }
}

function checkPublicKey(key: unknown, problems: string[]): void {
  if (key === undefined) return;
  if (typeof key !== "string") {
    problems.push("webhookPublicKey must be a string (Base64 DER or PEM)");
    return;
  }
  try {
    if (key.includes("-----BEGIN")) createPublicKey(key);
    else {
      const der = Buffer.from(key.replace(/\s+/g, ""), "base64");
      createPublicKey({ key: der, format: "der", type: "spki" });
    }
  } catch (e) {
    problems.push(`webhookPublicKey is not a public key (Base64 DER or PEM): ${(e as Error).message}`);
  }
}

function checkRange(range: unknown, problems: string[]): void {
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((n) => Number.isInteger(n) && n > 0) ||
    range[0] > range[1]
  )
    problems.push("amountRange must be [min, max] with positive whole numbers, min <= max");
  else if (range[1] > 10_000)
    problems.push("amountRange max must be at most 10000 (small amounts only on real gateways)");
}

export function parseProfile(raw: unknown, where = "profile"): Profile {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new ProfileError(`${where} must be a JSON object`);
  const problems: string[] = [];
  const p = raw as Record<string, unknown>;
  checkCards(p.cards, problems);
  const range = p.amountRange ?? [100, 1000];
  checkRange(range, problems);
  checkClock(p.clock, problems);
  checkPublicKey(p.webhookPublicKey, problems);
  const str = (k: string, re: RegExp, fallback: string) => {
    const v = p[k] ?? fallback;
    if (typeof v !== "string" || !re.test(v)) problems.push(`${k} must match ${re}`);
    return v as string;
  };
  const ms = (k: string, fallback: number) => {
    const v = p[k] ?? fallback;
    if (typeof v !== "number" || !(v > 0 && v <= 600_000))
      problems.push(`${k} must be a number of ms in (0, 600000]`);
    return v as number;
  };
  if (p.name !== undefined && typeof p.name !== "string") problems.push("name must be a string");
  const profile: Profile = {
    name: typeof p.name === "string" ? p.name : where,
    currency: str("currency", /^[A-Z]{3}$/, "USD"),
    amountRange: range as [number, number],
    cards: (p.cards ?? {}) as Profile["cards"],
    expMonth: str("expMonth", /^(0[1-9]|1[0-2])$/, "12"),
    expYear: str("expYear", /^20[0-9]{2}$/, String(new Date().getUTCFullYear() + 3)),
    cvv: str("cvv", /^[0-9]{3,4}$/, "123"),
    asyncTimeoutMs: ms("asyncTimeoutMs", 30_000),
    followUpTimeoutMs: ms("followUpTimeoutMs", 60_000),
    responseTimeMs: ms("responseTimeMs", 15_000),
    ...(p.clock !== undefined ? { clock: p.clock as { admin: string } } : {}),
    ...(typeof p.webhookPublicKey === "string" ? { webhookPublicKey: p.webhookPublicKey } : {}),
  };
  for (const k of Object.keys(p))
    if (!(PROFILE_FIELDS as readonly string[]).includes(k)) problems.push(`${k} is not a profile field`);
  if (problems.length) throw new ProfileError(`${where} is invalid:\n  - ${problems.join("\n  - ")}`);
  return profile;
}
