/** webhooks: notifications arrive at notification_url, match the contract, and authenticate. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyNotification } from "@paycross/client";
import { type Context, scenario } from "../context.js";

export interface WebhookTarget {
  /** Where the receiver listens (loopback by default). */
  listenHost: string;
  listenPort: number;
  /** The URL the gateway is told to call; defaults to the receiver's own address. */
  publicUrl?: string;
}

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function run(ctx: Context, target: WebhookTarget | undefined): Promise<void> {
  if (!target) {
    for (const id of [
      "webhooks.notification_arrives",
      "webhooks.notification_schema",
      "webhooks.notification_authenticated",
    ] as const)
      ctx.notApplicable(
        id,
        "no callback address: pass --webhook-url (and --webhook-listen) for a remote gateway",
      );
    return;
  }
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(target.listenPort, target.listenHost, r));
  try {
    const port = (server.address() as AddressInfo).port;
    const url = target.publicUrl ?? `http://${target.listenHost}:${port}/paycross-notifications`;
    await scenario(async () => {
      const hit = await arrives(ctx, url, received);
      if (hit) await checkNotification(ctx, hit);
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** webhooks.notification_arrives: a payment with `notification_url` is notified there in time. */
async function arrives(ctx: Context, url: string, received: Received[]): Promise<Received | undefined> {
  const { answer: res, transaction } = await ctx.pay("webhooks.notification_arrives", "successful", {
    notification_url: url,
  });
  const uid = transaction?.uid;
  const until = Date.now() + ctx.profile.asyncTimeoutMs;
  let hit: Received | undefined;
  if (!uid) {
    ctx.notApplicable("webhooks.notification_arrives", `the payment was not accepted (HTTP ${res.status})`, {
      exchange: res.exchange,
    });
    return undefined;
  }
  await ctx.waitingFor(`webhooks.notification_arrives: a notification for ${uid} at ${url}`, async () => {
    while (Date.now() < until && !hit) {
      hit = received.find((r) => r.body.includes(uid));
      if (!hit) await ctx.sleep(50);
    }
  });
  if (!hit) {
    ctx.fail(
      "webhooks.notification_arrives",
      `no notification for ${uid} at ${url} within ${ctx.profile.asyncTimeoutMs} ms`,
      { exchange: res.exchange },
    );
    return undefined;
  }
  ctx.pass("webhooks.notification_arrives", { exchange: res.exchange });
  return hit;
}

/** webhooks.notification_schema and webhooks.notification_authenticated, on the notification received. */
async function checkNotification(ctx: Context, hit: Received): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(hit.body);
  } catch {
    parsed = undefined;
  }
  const issues =
    parsed === undefined
      ? [{ instancePath: "", message: "body is not JSON" }]
      : ctx.contract.validateSchema("TransactionResponse", parsed);
  ctx.expect(
    "webhooks.notification_schema",
    issues.length === 0,
    `${issues[0]?.instancePath || "(root)"} ${issues[0]?.message ?? ""}`,
  );
  const publicKey = ctx.profile.webhookPublicKey ?? (await fetchMockKey(ctx));
  const problems: string[] = [];
  for (const verifier of [
    { shopId: ctx.http.target.shopId, secretKey: ctx.http.target.secretKey },
    ...(publicKey ? [{ publicKey }] : []),
  ]) {
    try {
      verifyNotification({ headers: hit.headers, body: hit.body }, verifier);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  ctx.expect("webhooks.notification_authenticated", problems.length === 0, problems.join("; "));
}

async function fetchMockKey(ctx: Context): Promise<string | undefined> {
  if (!ctx.profile.webhookPublicKeyPath) return undefined;
  const res = await ctx.http
    .send({ method: "GET", path: ctx.profile.webhookPublicKeyPath })
    .catch(() => undefined);
  return (res?.json as { publicKey?: string } | undefined)?.publicKey;
}
