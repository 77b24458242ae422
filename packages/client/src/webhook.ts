/**
 * Transaction notifications (webhooks): authenticate, then parse. The signature is checked over the RAW
 * body bytes, never over re-serialised JSON. With a public key the signature decides; without one, the
 * Basic credentials do (compared in constant time).
 */
import { createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { PayCrossRejectedError } from "./errors.js";
import type { Transaction } from "./types.js";

export interface NotificationInput {
  /** Header names in any case; Node's `req.headers` or a `Headers` object. */
  headers: Record<string, string | string[] | undefined> | Headers;
  /** The raw body as received. */
  body: string | Uint8Array;
}

export interface NotificationVerifier {
  /** The shop's public key: bare Base64 DER (as the back office shows it) or PEM. */
  publicKey?: string;
  shopId?: string | number;
  secretKey?: string;
}

/** A notification that failed authentication or is not a transaction. Answer it with 401/400. */
export class PayCrossWebhookError extends PayCrossRejectedError {}

const keyCache = new Map<string, KeyObject>();
function publicKeyOf(text: string): KeyObject {
  let key = keyCache.get(text);
  if (!key) {
    key = text.includes("-----BEGIN")
      ? createPublicKey(text)
      : createPublicKey({
          key: Buffer.from(text.replace(/\s+/g, ""), "base64"),
          format: "der",
          type: "spki",
        });
    keyCache.set(text, key);
  }
  return key;
}

function header(headers: NotificationInput["headers"], name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const h = headers as Record<string, string | string[] | undefined>;
  const v =
    h[name] ??
    h[name.toLowerCase()] ??
    Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/** Verifies and parses a transaction notification; throws `PayCrossWebhookError` naming what failed. */
export function verifyNotification(
  input: NotificationInput,
  verifier: NotificationVerifier,
): { transaction: Transaction } {
  const raw = typeof input.body === "string" ? Buffer.from(input.body, "utf8") : Buffer.from(input.body);
  if (verifier.publicKey) {
    const signature = header(input.headers, "content-signature");
    if (!signature)
      throw new PayCrossWebhookError({ message: "notification has no Content-Signature header" });
    let ok = false;
    try {
      ok = verify("sha256", raw, publicKeyOf(verifier.publicKey), Buffer.from(signature, "base64"));
    } catch (cause) {
      throw new PayCrossWebhookError({
        message: "notification signature could not be checked (bad public key?)",
        cause,
      });
    }
    if (!ok) throw new PayCrossWebhookError({ message: "notification signature does not match its body" });
  } else if (verifier.shopId !== undefined && verifier.secretKey) {
    const expected = Buffer.from(
      `Basic ${Buffer.from(`${verifier.shopId}:${verifier.secretKey}`).toString("base64")}`,
    );
    const given = Buffer.from(header(input.headers, "authorization") ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new PayCrossWebhookError({ message: "notification credentials do not match the shop's" });
  } else {
    throw new PayCrossWebhookError({
      message: "no publicKey and no shopId/secretKey to authenticate notifications with",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new PayCrossWebhookError({ message: "notification body is not JSON" });
  }
  const tx = (parsed as { transaction?: Transaction } | null)?.transaction;
  if (!tx || typeof tx !== "object" || typeof tx.uid !== "string" || typeof tx.status !== "string")
    throw new PayCrossWebhookError({ message: "notification body has no transaction with uid and status" });
  return { transaction: tx };
}
