/** Forged notifications: what each verification mode accepts, and what it cannot detect. */
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PayCrossWebhookError, verifyNotification } from "../../src/index.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PUBLIC = publicKey.export({ type: "spki", format: "der" }).toString("base64");
const body = JSON.stringify({ transaction: { uid: "uid-1", status: "successful", amount: 100 } });
const signature = (text: string) => sign("sha256", Buffer.from(text), privateKey).toString("base64");
const basic = (secret: string, scheme = "Basic") =>
  `${scheme} ${Buffer.from(`361:${secret}`).toString("base64")}`;
const both = { publicKey: PUBLIC, shopId: 361, secretKey: "sk" };

describe("webhook verification", () => {
  it("with a public key and Basic configured, a valid signature with wrong Basic credentials is refused", () => {
    const headers = { "content-signature": signature(body), authorization: basic("wrong") };
    expect(() => verifyNotification({ headers, body }, both)).toThrow(/credentials do not match/);
    expect(() =>
      verifyNotification({ headers: { "content-signature": signature(body) }, body }, both),
    ).toThrow(PayCrossWebhookError);
  });

  it("with a public key configured, the signature is required even when Basic is right", () => {
    expect(() => verifyNotification({ headers: { authorization: basic("sk") }, body }, both)).toThrow(
      /no Content-Signature/,
    );
    const altered = body.replace("100", "999999");
    const headers = { "content-signature": signature(body), authorization: basic("sk") };
    expect(() => verifyNotification({ headers, body: altered }, both)).toThrow(/does not match its body/);
  });

  it("says how a notification was verified: by signature (body intact) or only by Basic (a hint)", () => {
    const signed = verifyNotification(
      { headers: { "content-signature": signature(body), authorization: basic("sk") }, body },
      both,
    );
    expect(signed.verifiedBy).toBe("signature");
    const hinted = verifyNotification(
      { headers: { authorization: basic("sk", "basic") }, body },
      { shopId: 361, secretKey: "sk" },
    );
    expect(hinted).toMatchObject({ verifiedBy: "basic", transaction: { uid: "uid-1" } });
  });

  it("Basic-only cannot detect an altered body: it is accepted, but only as verifiedBy basic", () => {
    const forged = body.replace("successful", "failed");
    const r = verifyNotification(
      { headers: { authorization: basic("sk") }, body: forged },
      { shopId: 361, secretKey: "sk" },
    );
    expect(r.verifiedBy).toBe("basic");
  });

  it("no verifier at all is refused, and errors carry the webhook code", () => {
    const e = (() => {
      try {
        verifyNotification({ headers: {}, body }, {});
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(PayCrossWebhookError);
    expect(e).toMatchObject({ code: "webhook", kind: "rejected" });
  });
});
