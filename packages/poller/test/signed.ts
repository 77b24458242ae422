/** A shop's webhook key pair for tests, and notifications signed with it as the gateway signs them. */
import { generateKeyPairSync, sign } from "node:crypto";
import type { Transaction } from "@paycross/client";
import { FAST } from "./helpers.js";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

/** The public key as the back office shows it (Base64 DER): what `webhook.publicKey` takes. */
export const PUB = publicKey.export({ type: "spki", format: "der" }).toString("base64");

/** A notification of `tx` with a valid `Content-Signature` (RSA-SHA256 of the raw body). */
export function signed(tx: Transaction): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ transaction: tx });
  return {
    headers: { "content-signature": sign("sha256", Buffer.from(body), privateKey).toString("base64") },
    body,
  };
}

/** The poller would not look for a minute: only a notification can settle a task in time. */
export const NEVER_LOOKS = {
  ...FAST,
  initialDelayMs: 60_000,
  maxDelayMs: 60_000,
  followUpInitialDelayMs: 60_000,
};
