/**
 * Transaction notifications, as the gateway sends them: POST `{"transaction": ...}` to the
 * notification_url, signed with `Content-Signature` (Base64 RSA-SHA256 of the raw body, the shop's key
 * pair) and carrying the shop's own Basic credentials; retried on any non-200 answer.
 * Only loopback targets are delivered to unless the caller allows others.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

export interface WebhookOptions {
  /** Delays before each retry; its length is the number of retries. Default 0.2 s doubling, 5 retries. */
  retryDelaysMs?: number[];
  /** Deliver to non-loopback hosts too. Off by default: a test gateway must not call out. */
  allowExternal?: boolean;
  /** Per-delivery timeout. Default 5 s. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  url: string;
  uid: string;
  status: string;
  attempt: number;
  /** The HTTP status the receiver answered, or the network error. */
  outcome: number | string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private keys: { publicKey: string; publicKeyPem: string; privateKey: KeyObject } | undefined;
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private readonly queued = new Set<ReturnType<typeof setImmediate>>();
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly authorization: string,
    private readonly options: WebhookOptions = {},
  ) {}

  /** The shop's public key as the back office shows it: bare Base64 DER SubjectPublicKeyInfo. */
  get publicKey(): string {
    return this.keyPair().publicKey;
  }

  get publicKeyPem(): string {
    return this.keyPair().publicKeyPem;
  }

  // Made on first use: a 2048-bit key costs ~100 ms, which most test gateways never need.
  private keyPair() {
    if (!this.keys) {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      this.keys = {
        privateKey,
        publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
        publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      };
    }
    return this.keys;
  }

  /**
   * Queues a notification. It never throws and never runs in the caller's step: the transaction is
   * booked and answered first, and a notification that cannot be built is recorded, not raised.
   */
  send(url: string, transaction: Record<string, unknown>): void {
    if (this.closed) return;
    const job = setImmediate(() => {
      this.queued.delete(job);
      try {
        this.deliver(url, transaction);
      } catch (e) {
        this.record(url, transaction, 0, `not sent: ${(e as Error).message}`);
      }
    });
    this.queued.add(job);
  }

  private deliver(url: string, transaction: Record<string, unknown>): void {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      this.record(url, transaction, 0, "not sent: not a valid URL");
      return;
    }
    if (!this.options.allowExternal && !LOOPBACK.test(target.hostname)) {
      this.record(url, transaction, 0, "refused: not a loopback address");
      return;
    }
    const body = JSON.stringify({ transaction });
    const signature = sign("sha256", Buffer.from(body), this.keyPair().privateKey).toString("base64");
    this.attempt(url, body, signature, transaction, 0).catch((e: unknown) =>
      this.record(url, transaction, 0, `not sent: ${(e as Error).message}`),
    );
  }

  /** Stops retries and aborts deliveries in flight. */
  close(): void {
    this.closed = true;
    for (const t of this.pending) clearTimeout(t);
    for (const j of this.queued) clearImmediate(j);
    for (const c of this.inflight) c.abort();
  }

  private async attempt(
    url: string,
    body: string,
    signature: string,
    tx: Record<string, unknown>,
    attempt: number,
  ) {
    if (this.closed) return;
    const delays = this.options.retryDelaysMs ?? [200, 400, 800, 1600, 3200];
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 5_000);
    let outcome: number | string;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-signature": signature,
          authorization: this.authorization,
          "user-agent": "paycross-mock-gateway",
        },
        body,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      outcome = res.status;
    } catch (e) {
      outcome = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    this.record(url, tx, attempt + 1, outcome);
    if (outcome === 200 || this.closed || attempt >= delays.length) return;
    const retry = setTimeout(() => {
      this.pending.delete(retry);
      this.attempt(url, body, signature, tx, attempt + 1).catch((e: unknown) =>
        this.record(url, tx, attempt + 1, `not sent: ${(e as Error).message}`),
      );
    }, delays[attempt]);
    retry.unref();
    this.pending.add(retry);
  }

  private record(url: string, tx: Record<string, unknown>, attempt: number, outcome: number | string) {
    this.deliveries.push({ url, uid: String(tx.uid), status: String(tx.status), attempt, outcome });
    if (this.deliveries.length > 10_000) this.deliveries.splice(0, 5_000);
  }
}
