import { createClient, type PayCrossClient } from "@paycross/client";
import { getContract } from "@paycross/spec";
import { expect } from "vitest";
import {
  ManualClock,
  type MockGateway,
  type MockGatewayOptions,
  startMockGateway,
  type TEST_CARDS,
  testCard,
  testPayment,
} from "../src/index.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields an answer has
type AnyBody = any;

export const contract = getContract();

export interface Harness {
  gw: MockGateway;
  clock: ManualClock;
  client: PayCrossClient;
  /** A raw request with the shop's credentials; answers checked against the contract. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: AnyBody; headers: Headers }>;
}

export async function harness(options: MockGatewayOptions = {}): Promise<Harness> {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 10, 0, 0));
  const gw = await startMockGateway({ clock, admin: true, ...options });
  const client = createClient({ shopId: gw.shopId, secretKey: gw.secretKey, baseUrl: gw.url, retry: false });
  const auth = `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`;
  return {
    gw,
    clock,
    client,
    async call(method, path, body, headers = {}) {
      const res = await fetch(gw.url + path, {
        method,
        headers: { authorization: auth, "content-type": "application/json", ...headers },
        body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
  };
}

/** Asserts that an answer is one the contract allows for the operation, with a valid body. */
export function expectConforms(operationId: string, status: number, body: unknown): void {
  expect(contract.statuses(operationId), `${operationId} may not answer ${status}`).toContain(status);
  expect(contract.validateResponseBody(operationId, status, body), `${operationId} ${status} body`).toEqual(
    [],
  );
  // And nothing the contract does not declare: a field the mock invents would pass a loose schema.
  expect(
    contract.unknownResponseFields(operationId, status, body) ?? [],
    `${operationId} ${status} fields`,
  ).toEqual([]);
}

/** The mock's test card for an outcome (the builder the mock exports; testkit re-exports it). */
export const card = testCard;

/** A payment request with a fresh amount and tracking id and no duplicate check (tested on its own). */
export const payment = (
  outcome: keyof typeof TEST_CARDS = "successful",
  extra: Record<string, unknown> = {},
) => testPayment(outcome, { duplicate_check: false, ...extra });
