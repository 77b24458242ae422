/**
 * Transaction notifications (webhooks) as evidence, never as unchecked truth:
 * - signed (a public key is configured): the Content-Signature over the raw body is required, so the body
 *   is the gateway's; its transaction is used as is.
 * - Basic only: the credentials prove who sent it but not that the body is unaltered, so the notification
 *   is a hint: the transaction is read back from the gateway by uid (an authenticated status query) and
 *   THAT answer is what resolves tasks and what the caller gets.
 * Replays (same uid, status and body within `dedupWindowMs`) are answered without effect, and a
 * notification never moves a task backwards (only a final status ends a follow-up; a done task stays, but
 * for an `unknown` that a final status corrects: `lifecycle.corrected`).
 */
import { createHash } from "node:crypto";
import {
  isPayCrossError,
  type NotificationInput,
  type NotificationVerifier,
  type PayCrossClient,
  PayCrossWebhookError,
  payCrossError,
  type Transaction,
  verifyNotification,
} from "@paycross/client";

export type VerifiedBy = "signature" | "status_query";

export interface NotificationOptions extends NotificationVerifier {
  /** How long a seen notification is remembered to drop its replays. Default 24 h. */
  dedupWindowMs?: number;
  /** At most this many remembered notifications (oldest forgotten first). Default 100,000. */
  dedupMaxEntries?: number;
}

export interface CheckedNotification {
  /** The transaction to act on: the signed body's, or the gateway's answer to the status query. */
  transaction: Transaction;
  verifiedBy: VerifiedBy;
  /** A replay of a notification already handled within the window: nothing was done. */
  duplicate: boolean;
}

export class NotificationChecker {
  private readonly seen = new Map<string, number>();
  private readonly windowMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly client: PayCrossClient,
    private readonly options: NotificationOptions = {},
  ) {
    this.windowMs = options.dedupWindowMs ?? 24 * 3_600_000;
    this.maxEntries = options.dedupMaxEntries ?? 100_000;
    if (!(this.windowMs >= 0) || !(Number.isInteger(this.maxEntries) && this.maxEntries > 0))
      throw payCrossError(
        "config",
        "webhook.dedupWindowMs must be >= 0 and dedupMaxEntries a positive integer",
      );
  }

  async check(input: NotificationInput): Promise<CheckedNotification> {
    const verified = verifyNotification(input, this.options) as ReturnType<typeof verifyNotification> & {
      verifiedBy?: "signature" | "basic";
    };
    const { transaction } = verified;
    const raw = typeof input.body === "string" ? Buffer.from(input.body, "utf8") : Buffer.from(input.body);
    const key = `${transaction.uid}\u0000${transaction.status}\u0000${createHash("sha256").update(raw).digest("hex")}`;
    // Only a signature proves the body; Basic credentials prove the sender at most.
    const signedBody =
      (verified.verifiedBy ?? (this.options.publicKey ? "signature" : "basic")) === "signature";
    const verifiedBy: VerifiedBy = signedBody ? "signature" : "status_query";
    if (this.remembered(key)) return { transaction, verifiedBy, duplicate: true };
    const confirmed = verifiedBy === "signature" ? transaction : await this.confirm(transaction.uid);
    this.remember(key);
    return { transaction: confirmed, verifiedBy, duplicate: false };
  }

  /** The gateway's own view of the transaction (authenticated with the shop's credentials). */
  private async confirm(uid: string): Promise<Transaction> {
    try {
      const { transaction } = await this.client.transactions.get(uid, { maxRetries: 1 });
      if (transaction.uid !== uid)
        throw new PayCrossWebhookError({ message: "the gateway answered for another transaction" });
      return transaction;
    } catch (e) {
      if (isPayCrossError(e) && e.status === 404)
        throw new PayCrossWebhookError({
          message: "notification names a transaction the gateway does not know (forged?)",
          cause: e,
        });
      throw e; // transport: answer 5xx so that the gateway sends the notification again
    }
  }

  private remembered(key: string): boolean {
    const at = this.seen.get(key);
    if (at === undefined) return false;
    if (Date.now() - at <= this.windowMs) return true;
    this.seen.delete(key);
    return false;
  }

  private remember(key: string): void {
    this.seen.delete(key);
    this.seen.set(key, Date.now());
    // Map order is insertion order: the first entries are the oldest.
    for (const [k, at] of this.seen) {
      if (this.seen.size <= this.maxEntries && Date.now() - at <= this.windowMs) break;
      this.seen.delete(k);
    }
  }
}
