/**
 * One redaction helper for every error, log line and report: card numbers, CVVs, secrets and Basic
 * credentials never leave the process in clear text. Known secrets are removed by value, in every form
 * they take on the way (raw, JSON-escaped once or twice, URL-encoded, inside Base64 credentials),
 * whatever their length; card numbers by shape, whatever the separator between their digits.
 */

// 12–19 digits, optionally grouped by one common separator (space, - . _ /): anything that could be a card.
const PAN = /(?<![0-9])(?:[0-9][ ._/-]?){11,18}[0-9](?![0-9])/g;
// JSON and form fields that carry a CVV, a PAN or a secret, whatever the value's shape.
// Also matches JSON that was escaped into a string (`\"number\":\"4200...\"`), as echoed in error messages.
const SENSITIVE_FIELD =
  /(\\*"(?:verification_value|cvv|cvc|number|secret_key|secretKey|password|encrypted_credit_card)\\*"\s*:\s*)(\\*"[^"\\]*\\*"|[0-9]+)/gi;
const SENSITIVE_KEY =
  /^(?:verification_value|cvv|cvc|number|secret_key|secretKey|password|encrypted_credit_card)$/i;
/** Deeper values are cut: a hostile answer must not exhaust the stack of whoever redacts it. */
const MAX_DEPTH = 64;
// The scheme name is case-insensitive: `basic`, `BASIC` and `Basic` are all credentials.
const SCHEME_CREDENTIALS = /\b(basic|bearer)(\s+)[A-Za-z0-9+/=._~-]+/gi;
const URL_CREDENTIALS = /(\/\/)[^/@\s:]+:[^/@\s]+@/g;
/** Base64 fragments shorter than this are too common to remove from every text. */
const MIN_BASE64_FRAGMENT = 6;

export interface Redactor {
  /** Redacts a text; any other value is first written out as JSON (never `[object Object]`). */
  (input: unknown): string;
  /** Redacts every string inside a JSON-like value (a copy; the input is untouched). */
  value<T>(value: T): T;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The Base64 characters that only the secret's own bytes decide, for each of the three alignments it
 * can have inside a longer Base64 text (such as `shopId:secret` in a Basic header).
 */
function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6); // exclusive
    const fragment = encoded.slice(first, last);
    if (fragment.length >= MIN_BASE64_FRAGMENT) out.push(fragment);
  }
  return out;
}

/** Every form a secret takes in text this package handles. */
export function secretForms(secret: string): string[] {
  const json1 = JSON.stringify(secret).slice(1, -1);
  const json2 = JSON.stringify(json1).slice(1, -1);
  const json3 = JSON.stringify(json2).slice(1, -1);
  const forms = new Set([
    secret,
    json1,
    json2,
    json3,
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    ...base64Fragments(secret),
  ]);
  // Longest first, so that a form is never half-replaced by a shorter one inside it.
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** Keeps the last four digits of a card number: enough to recognise it, useless to charge it. */
function maskField(key: string, value: string): string {
  const digits = value.replace(/[^0-9]/g, "");
  return /number/i.test(key) && digits.length >= 12 ? `****${digits.slice(-4)}` : "[REDACTED]";
}

/** JSON of any value: cycles, BigInts and errors included, never a throw. */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return "[Circular]";
        seen.add(v);
      }
      return v;
    });
    return json ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A redactor that also masks the given secrets (the secret key, wherever and however it appears). */
export function createRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known = secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
  const forms = [...new Set(known.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  const secretPattern = forms.length ? new RegExp(forms.map(escapeRegExp).join("|"), "g") : undefined;
  const redact = ((input: unknown): string => {
    let out = describe(input);
    if (secretPattern) out = out.replace(secretPattern, "[REDACTED]");
    out = out.replace(SENSITIVE_FIELD, (_m, key: string, value: string) => {
      // Keep the value's own quoting (plain or escaped) so redacted JSON stays valid JSON.
      const quote = /^\\+"/.exec(value)?.[0] ?? '"';
      return `${key}${quote}${maskField(key, value)}${quote}`;
    });
    out = out.replace(PAN, (m) => `****${m.replace(/[^0-9]/g, "").slice(-4)}`);
    out = out.replace(SCHEME_CREDENTIALS, "$1$2[REDACTED]");
    out = out.replace(URL_CREDENTIALS, "$1[REDACTED]@");
    return out;
  }) as Redactor;
  // Walks the value instead of redacting its JSON text: a secret that looks like JSON syntax could
  // otherwise break the text apart.
  const walk = (v: unknown, key: string | undefined, depth: number, seen: WeakSet<object>): unknown => {
    if (key !== undefined && SENSITIVE_KEY.test(key) && (typeof v === "string" || typeof v === "number"))
      return maskField(key, String(v));
    if (typeof v === "string") return redact(v);
    if (typeof v === "bigint") return redact(v.toString());
    if (typeof v !== "object" || v === null) return v;
    if (depth >= MAX_DEPTH) return "[Too deep]";
    if (seen.has(v)) return "[Circular]";
    seen.add(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, undefined, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) out[redact(k)] = walk(item, k, depth + 1, seen);
    return out;
  };
  redact.value = <T>(value: T): T => walk(value, undefined, 0, new WeakSet()) as T;
  return redact;
}

/** Redacts card data and credentials; use `createRedactor([secretKey])` to mask a known secret too. */
export const redact: Redactor = createRedactor();
