/**
 * Redaction for everything a run records (exchanges, messages, reports). Secrets are matched by value
 * in every encoding they can take on the wire or in a report: raw, JSON-escaped (once or twice),
 * URL-encoded, and inside Base64 Basic credentials of any letter case; any length. Card numbers are
 * masked to their last four digits, whatever the separator, except the profile's own test cards:
 * those are public test numbers, printed in full so that a report's `curl` reproduces the request.
 */
import { secretForms } from "@paycross/client/internal";

export type TextRedactor = (text: string) => string;

export interface RedactorOptions {
  secrets: readonly string[];
  /** Shop id, to recognise the Basic credentials `shopId:secret` in Base64. */
  shopId?: string;
  /** Public test card numbers (digits only) that stay readable. */
  testCards?: readonly string[];
  /** The profile's test CVV, which stays readable in requests for the same reason. */
  testCvv?: string;
}

// 12-19 digits, contiguous or in groups separated by one of space - . _ / (a group starts with 4 digits,
// so IPv4 addresses and dates never match).
const PAN = /(?<![0-9])[0-9]{4}(?:[ ._/-]?[0-9]{2,6}){2,4}(?![0-9])/g;
const AUTH_SCHEME = /\b(basic|bearer)(\s+)[A-Za-z0-9+/=._~-]+/gi;
const CVV_FIELD = /(\\*"(?:verification_value|cvv|cvc|cvv2)\\*"\s*:\s*)(\\*"([^"\\]*)\\*"|([0-9]+))/gi;
const SECRET_FIELD =
  /(\\*"(?:secret_key|secretKey|password|encrypted_credit_card)\\*"\s*:\s*)(\\*"[^"\\]*\\*")/gi;

/**
 * Every form of a secret: the client's list (raw, JSON-escaped up to three times, URL-encoded, the Base64
 * of its bytes at every alignment), and what a report adds: lower-case percent-escapes, and the whole
 * Base64 `shopId:secret` of the Basic credentials, so that it is replaced in one piece.
 */
function encodings(secret: string, shopId: string | undefined): string[] {
  const forms = new Set([
    ...secretForms(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    encodeURIComponent(secret).replace(/%20/g, "+"),
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64").replace(/=+$/, ""),
  ]);
  if (shopId !== undefined) {
    const basic = Buffer.from(`${shopId}:${secret}`).toString("base64");
    forms.add(basic);
    forms.add(basic.replace(/=+$/, ""));
  }
  // Longest first, so that an encoding containing the raw secret is replaced whole.
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** Keeps the value's own quoting (plain or escaped) so that redacted JSON stays valid JSON. */
const masked = (key: string, value: string) => {
  const quote = /^\\*"/.exec(value)?.[0] ?? '"';
  return `${key}${quote}[REDACTED]${quote}`;
};

const SHORT = 8;
const standalone = (s: string) =>
  new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g");

export function createReportRedactor(options: RedactorOptions): TextRedactor {
  const forms = options.secrets.filter((s) => s.length > 0).flatMap((s) => encodings(s, options.shopId));
  const testCards = new Set(options.testCards ?? []);
  return (input: string): string => {
    let out = String(input);
    for (const f of forms) {
      if (!out.includes(f)) continue;
      // A short secret is masked where it stands alone, not inside every word that contains it.
      out = f.length >= SHORT ? out.split(f).join("[REDACTED]") : out.replace(standalone(f), "[REDACTED]");
    }
    out = out.replace(AUTH_SCHEME, "$1$2[REDACTED]");
    out = out.replace(SECRET_FIELD, (_m, key: string, v: string) => masked(key, v));
    out = out.replace(CVV_FIELD, (m, key: string, v: string, quoted?: string, bare?: string) =>
      options.testCvv !== undefined && (quoted ?? bare) === options.testCvv ? m : masked(key, v),
    );
    out = out.replace(PAN, (m, offset: number, whole: string) => {
      const digits = m.replace(/[^0-9]/g, "");
      if (digits.length < 12 || digits.length > 19 || testCards.has(digits)) return m;
      // A JSON number under a key that is not about cards (a timestamp, an amount) stays: card
      // numbers travel as strings, and masking numbers would break the JSON a report shows.
      const key = /"([^"\\]{1,40})\\*"\s*:\s*$/.exec(whole.slice(Math.max(0, offset - 48), offset))?.[1];
      if (key !== undefined && digits === m && !/number|card|pan/i.test(key)) return m;
      return `****${digits.slice(-4)}`;
    });
    return out;
  };
}
