/**
 * One redaction helper for every error, log line and report: card numbers, CVVs, secrets and Basic
 * credentials never leave the process in clear text.
 */

// 12–19 digits, optionally grouped by spaces or dashes: anything that could be a card number.
const PAN = /(?<![0-9])(?:[0-9][ -]?){11,18}[0-9](?![0-9])/g;
// JSON and form fields that carry a CVV, a PAN or a secret, whatever the value's shape.
// Also matches JSON that was escaped into a string (`\"number\":\"4200...\"`), as echoed in error messages.
const SENSITIVE_FIELD =
  /(\\*"(?:verification_value|cvv|cvc|number|secret_key|secretKey|password|encrypted_credit_card)\\*"\s*:\s*)(\\*"[^"\\]*\\*"|[0-9]+)/gi;
const BASIC = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/g;
const URL_CREDENTIALS = /(\/\/)[^/@\s:]+:[^/@\s]+@/g;

export interface Redactor {
  (text: string): string;
  /** Redacts every string inside a JSON-like value (a copy; the input is untouched). */
  value<T>(value: T): T;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A redactor that also masks the given secrets (the secret key, wherever it appears). */
export function createRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
  const secretPattern = known.length ? new RegExp(known.map(escapeRegExp).join("|"), "g") : undefined;
  const redact = ((text: string): string => {
    let out = String(text);
    if (secretPattern) out = out.replace(secretPattern, "[REDACTED]");
    out = out.replace(SENSITIVE_FIELD, (_m, key: string, value: string) => {
      // Keep the last four digits of a card number: enough to recognise it, useless to charge it.
      const digits = value.replace(/[^0-9]/g, "");
      // Keep the value's own quoting (plain or escaped) so redacted JSON stays valid JSON.
      const quote = /^\\+"/.exec(value)?.[0] ?? '"';
      const masked = /number/i.test(key) && digits.length >= 12 ? `****${digits.slice(-4)}` : "[REDACTED]";
      return `${key}${quote}${masked}${quote}`;
    });
    out = out.replace(PAN, (m) => {
      const digits = m.replace(/[^0-9]/g, "");
      return digits.length >= 12 ? `****${digits.slice(-4)}` : m;
    });
    out = out.replace(BASIC, "$1 [REDACTED]");
    out = out.replace(URL_CREDENTIALS, "$1[REDACTED]@");
    return out;
  }) as Redactor;
  redact.value = <T>(value: T): T => {
    if (value === undefined) return value;
    return JSON.parse(redact(JSON.stringify(value))) as T;
  };
  return redact;
}

/** Redacts card data and credentials; use `createRedactor([secretKey])` to mask a known secret too. */
export const redact: Redactor = createRedactor();
