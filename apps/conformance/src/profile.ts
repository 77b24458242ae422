/**
 * What a target needs beyond its URL: test cards and amounts that produce each outcome, and whether it
 * exposes a clock. Built in for the embedded mock; a JSON file for a sandbox, validated field by field.
 */
import { readFileSync } from "node:fs";

export interface Profile {
  name: string;
  currency: string;
  /** Small amounts, in minor units; each request uses a fresh one from this range. */
  amountRange: [number, number];
  cards: {
    successful: string;
    failed?: string;
    incomplete?: string;
    error?: string;
  };
  expMonth: string;
  expYear: string;
  cvv: string;
  /** How long an async task or a 3-D Secure follow-up may take on this target. */
  asyncTimeoutMs: number;
  followUpTimeoutMs: number;
  /** Admin clock endpoint (POST {advanceMs}) the retention check can use; absent on real gateways. */
  clockPath?: string;
  /** Webhook key endpoint of the mock, or the shop's public key from the back office. */
  webhookPublicKey?: string;
  webhookPublicKeyPath?: string;
}

export const MOCK_PROFILE: Profile = {
  name: "embedded mock gateway",
  currency: "USD",
  amountRange: [100, 100_000],
  cards: {
    successful: "4200000000000000",
    failed: "4005550000000019",
    incomplete: "4012001037141112",
    error: "4000000000000507",
  },
  expMonth: "05",
  expYear: "2030",
  cvv: "123",
  asyncTimeoutMs: 5_000,
  followUpTimeoutMs: 5_000,
  clockPath: "/__mock/clock",
  webhookPublicKeyPath: "/__mock/webhooks",
};

export class ProfileError extends Error {}

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

export function parseProfile(raw: unknown, where = "profile"): Profile {
  const problems: string[] = [];
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new ProfileError(`${where} must be a JSON object`);
  const p = raw as Record<string, unknown>;
  const cards = p.cards as Record<string, unknown> | undefined;
  const pan = /^[0-9]{12,19}$/;
  if (!cards || typeof cards !== "object")
    problems.push("cards must be an object with at least `successful`");
  else {
    if (typeof cards.successful !== "string" || !pan.test(cards.successful))
      problems.push("cards.successful must be a card number (12-19 digits)");
    for (const k of ["failed", "incomplete", "error"]) {
      if (cards[k] !== undefined && (typeof cards[k] !== "string" || !pan.test(cards[k] as string)))
        problems.push(`cards.${k} must be a card number (12-19 digits) when given`);
    }
    for (const k of Object.keys(cards))
      if (!["successful", "failed", "incomplete", "error"].includes(k))
        problems.push(`cards.${k} is not a known outcome`);
  }
  const range = p.amountRange ?? [100, 1000];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((n) => Number.isInteger(n) && n > 0) ||
    range[0] > range[1]
  )
    problems.push("amountRange must be [min, max] with positive whole numbers, min <= max");
  else if (range[1] > 10_000)
    problems.push("amountRange max must be at most 10000 (small amounts only on real gateways)");
  const str = (k: string, re: RegExp, fallback: string) => {
    const v = p[k] ?? fallback;
    if (typeof v !== "string" || !re.test(v)) problems.push(`${k} must match ${re}`);
    return v as string;
  };
  const num = (k: string, fallback: number) => {
    const v = p[k] ?? fallback;
    if (typeof v !== "number" || !(v > 0 && v <= 600_000))
      problems.push(`${k} must be a number of ms in (0, 600000]`);
    return v as number;
  };
  const profile: Profile = {
    name: typeof p.name === "string" ? p.name : where,
    currency: str("currency", /^[A-Z]{3}$/, "USD"),
    amountRange: range as [number, number],
    cards: (cards ?? {}) as Profile["cards"],
    expMonth: str("expMonth", /^(0[1-9]|1[0-2])$/, "12"),
    expYear: str("expYear", /^20[0-9]{2}$/, String(new Date().getUTCFullYear() + 3)),
    cvv: str("cvv", /^[0-9]{3,4}$/, "123"),
    asyncTimeoutMs: num("asyncTimeoutMs", 30_000),
    followUpTimeoutMs: num("followUpTimeoutMs", 60_000),
    ...(typeof p.webhookPublicKey === "string" ? { webhookPublicKey: p.webhookPublicKey } : {}),
  };
  for (const k of Object.keys(p)) {
    if (
      ![
        "name",
        "currency",
        "amountRange",
        "cards",
        "expMonth",
        "expYear",
        "cvv",
        "asyncTimeoutMs",
        "followUpTimeoutMs",
        "webhookPublicKey",
      ].includes(k)
    )
      problems.push(`${k} is not a profile field`);
  }
  if (problems.length) throw new ProfileError(`${where} is invalid:\n  - ${problems.join("\n  - ")}`);
  return profile;
}
