import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Contract } from "../src/index.js";

const contract = new Contract();
const fixture = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8"));

describe("unknown fields are told apart from departures", () => {
  it("lists the 3-D Secure fields the contract does not declare, as pointers, while the body validates", () => {
    const body = fixture("ruby/tokenization-200.json");
    expect(contract.validateResponseBody("createTokenization", 200, body)).toEqual([]);
    expect(contract.unknownResponseFields("createTokenization", 200, body)).toEqual([
      "/transaction/three_d_secure_verification/xid",
      "/transaction/three_d_secure_verification/cavv",
      "/transaction/three_d_secure_verification/cavv_algorithm",
      "/transaction/three_d_secure_verification/fail_reason",
    ]);
  });

  it("finds undeclared fields of a notification and of a request", () => {
    expect(contract.unknownSchemaFields("TransactionResponse", fixture("ruby/notification.json"))).toEqual([
      "/transaction/closed_at",
      "/transaction/settled_at",
      "/transaction/id",
    ]);
    expect(
      contract.unknownRequestFields("createPayment", fixture("php/payment-request-encrypted.json")),
    ).toEqual(["/request/encrypted_credit_card"]);
  });

  it("does not count the keys of free-form maps (additional_data, anti-fraud rules, field errors)", () => {
    expect(contract.unknownRequestFields("createPayment", fixture("php/payment-request-card.json"))).toEqual(
      [],
    );
    expect(contract.unknownResponseFields("createCheckup", 200, fixture("ruby/checkup-200.json"))).toEqual(
      [],
    );
    expect(
      contract.unknownResponseFields("createAuthorization", 422, fixture("ruby/authorization-422.json")),
    ).toEqual([]);
  });

  it("follows the oneOf/anyOf branch the body took", () => {
    // The flat error form: `code` and `friendly_message` (API v3) are not declared.
    expect(
      contract.unknownResponseFields("createAuthorization", 422, fixture("ruby/authorization-422-v3.json")),
    ).toEqual(["/code", "/friendly_message"]);
    // An async result is a TransactionResponse here, so a transaction's fields are known.
    expect(
      contract.unknownResponseFields("getAsyncResult", 200, fixture("ruby/authorization-200.json")),
    ).toEqual([]);
  });

  it("reports exactly an added undeclared property, escaped as a JSON pointer, whatever its name", () => {
    const base = fixture("ruby/payment-200.json") as { transaction: Record<string, unknown> };
    const declared = new Set(
      Object.keys(
        (contract.document.components.schemas.Transaction as { properties: Record<string, unknown> })
          .properties,
      ),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !declared.has(k) && k !== "__proto__"),
        fc.jsonValue(),
        (key, value) => {
          const body = { transaction: { ...base.transaction, [key]: value } };
          const pointer = `/transaction/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
          expect(contract.unknownResponseFields("createPayment", 200, body)).toEqual([pointer]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stays bounded on deeply nested input", () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    expect(contract.unknownSchemaFields("AdditionalData", { meta: deep })).toEqual([]);
    expect(contract.unknownSchemaFields("TransactionResponse", { transaction: { extra: deep } })).toEqual([
      "/transaction/extra",
    ]);
  });
});
