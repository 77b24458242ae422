import { describe, expectTypeOf, it } from "vitest";
import {
  type FieldErrors,
  isPayCrossError,
  type PayCrossAbortError,
  type PayCrossAuthenticationError,
  type PayCrossConnectionError,
  type PayCrossInvalidResponseError,
  type PayCrossLocalError,
  type PayCrossNotFoundError,
  type PayCrossRateLimitError,
  type PayCrossRedirectError,
  type PayCrossResponseTooLargeError,
  type PayCrossServerError,
  type PayCrossTimeoutError,
  type PayCrossValidationError,
  payCrossError,
} from "../src/index.js";

declare const e: unknown;

describe("errors narrow by status, kind and class", () => {
  it("isPayCrossError(e) && e.status === 422 gives fieldErrors", () => {
    if (isPayCrossError(e) && e.status === 422) {
      expectTypeOf(e).toEqualTypeOf<PayCrossValidationError>();
      expectTypeOf(e.fieldErrors).toEqualTypeOf<FieldErrors>();
    }
  });

  it("each status narrows to its class", () => {
    if (!isPayCrossError(e)) return;
    switch (e.status) {
      case 401:
      case 403:
        expectTypeOf(e).toEqualTypeOf<PayCrossAuthenticationError>();
        break;
      case 404:
        expectTypeOf(e).toEqualTypeOf<PayCrossNotFoundError>();
        break;
      case 429:
        expectTypeOf(e).toEqualTypeOf<PayCrossRateLimitError>();
        expectTypeOf(e.retryAfterMs).toEqualTypeOf<number | undefined>();
        break;
      case 400:
      case 409:
        expectTypeOf(e).toEqualTypeOf<PayCrossValidationError>();
        break;
      case 500:
      case 502:
      case 503:
      case 504:
        expectTypeOf(e).toEqualTypeOf<PayCrossServerError>();
        break;
      case 200:
        expectTypeOf(e).toEqualTypeOf<PayCrossInvalidResponseError>();
        break;
      case 307:
        expectTypeOf(e).toEqualTypeOf<PayCrossRedirectError>();
        expectTypeOf(e.location).toEqualTypeOf<string | undefined>();
        break;
    }
  });

  it("kind narrows to the families", () => {
    if (!isPayCrossError(e)) return;
    if (e.kind === "local") expectTypeOf(e).toEqualTypeOf<PayCrossLocalError>();
    if (e.kind === "transport")
      expectTypeOf(e).toEqualTypeOf<
        | PayCrossConnectionError
        | PayCrossTimeoutError
        | PayCrossAbortError
        | PayCrossInvalidResponseError
        | PayCrossRedirectError
        | PayCrossResponseTooLargeError
        | PayCrossServerError
      >();
    if (e.kind === "rejected")
      expectTypeOf(e.status).toEqualTypeOf<
        PayCrossValidationError["status"] | 401 | 403 | 404 | 429 | undefined
      >();
  });

  it("other packages make coded errors", () => {
    const err = payCrossError("store_locked", "the store is locked by another process");
    expectTypeOf(err).toEqualTypeOf<PayCrossLocalError>();
    expectTypeOf(err.code).toEqualTypeOf<string>();
    expectTypeOf(err.kind).toEqualTypeOf<"local">();
  });
});
