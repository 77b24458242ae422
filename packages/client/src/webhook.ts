/**
 * Transaction notifications (webhooks): authenticate, then parse. The signature is checked over the RAW
 * body bytes, never over re-serialised JSON. With a public key the signature is required, and the Basic
 * credentials are checked too when they are configured. Without a key only Basic can be checked: that
 * proves who sent the notification but not that its body is intact, so such a notification is a hint
 * (`verifiedBy: "basic"`): confirm the transaction with a status query before acting on it.
 */
import { createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { PayCrossWebhookError } from "./errors.js";
import type { Transaction } from "./types.js";

export { PayCrossWebhookError };

export interface NotificationInput {
  /** Header names in any case; Node's `req.headers` or a `Headers` object. */
  headers: Record<string, string | string[] | undefined> | Headers;
  /** The raw body as received. */
  body: string | Uint8Array;
}

export interface NotificationVerifier {
  /** The shop's public key: bare Base64 DER (as the back office shows it) or PEM. */
  publicKey?: string | undefined;
  shopId?: string | number | undefined;
  secretKey?: string | undefined;
}

/**
 * A verified notification. `verifiedBy: "signature"`: the body is the gateway's, byte for byte.
 * `verifiedBy: "basic"`: the sender knew the shop's credentials, but the body could have been altered
 * on the way: treat it as a hint and confirm the status with `client.transactions.get(uid)`.
 */
export interface VerifiedNotification {
  transaction: Transaction;
  verifiedBy: "signature" | "basic";
}

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
): VerifiedNotification {
  const raw = typeof input.body === "string" ? Buffer.from(input.body, "utf8") : Buffer.from(input.body);
  const hasBasic = verifier.shopId !== undefined && Boolean(verifier.secretKey);
  if (!verifier.publicKey && !hasBasic)
    throw new PayCrossWebhookError({
      message: "no publicKey and no shopId/secretKey to authenticate notifications with",
    });
  if (verifier.publicKey) checkSignature(input, raw, verifier.publicKey);
  if (hasBasic) checkBasic(input, verifier.shopId!, verifier.secretKey!);
  return { transaction: parseTransaction(raw), verifiedBy: verifier.publicKey ? "signature" : "basic" };
}

function checkSignature(input: NotificationInput, raw: Buffer, publicKey: string): void {
  {
    const signature = header(input.headers, "content-signature");
    if (!signature)
      throw new PayCrossWebhookError({ message: "notification has no Content-Signature header" });
    let ok = false;
    try {
      ok = verify("sha256", raw, publicKeyOf(publicKey), Buffer.from(signature, "base64"));
    } catch (cause) {
      throw new PayCrossWebhookError({
        message: "notification signature could not be checked (bad public key?)",
        cause,
      });
    }
    if (!ok) throw new PayCrossWebhookError({ message: "notification signature does not match its body" });
  }
}

function checkBasic(input: NotificationInput, shopId: string | number, secretKey: string): void {
  const expected = Buffer.from(`${shopId}:${secretKey}`);
  // The scheme name is case-insensitive (RFC 9110); the credentials are compared in constant time.
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header(input.headers, "authorization") ?? "");
  const given = match ? Buffer.from(match[1]!, "base64") : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new PayCrossWebhookError({ message: "notification credentials do not match the shop's" });
}

function parseTransaction(raw: Buffer): Transaction {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new PayCrossWebhookError({ message: "notification body is not JSON" });
  }
  const tx = (parsed as { transaction?: Transaction } | null)?.transaction;
  if (!tx || typeof tx !== "object" || typeof tx.uid !== "string" || typeof tx.status !== "string")
    throw new PayCrossWebhookError({ message: "notification body has no transaction with uid and status" });
  return tx;
}
