import { describe, expect, it } from "vitest";
import {
  errorClassForStatus,
  isPayCrossError,
  PayCrossConfigError,
  PayCrossError,
  PayCrossLocalError,
  payCrossError,
} from "../src/index.js";

describe("one error base with a code", () => {
  it.each([
    [401, "PayCrossAuthenticationError", "authentication", "rejected"],
    [403, "PayCrossAuthenticationError", "authentication", "rejected"],
    [404, "PayCrossNotFoundError", "not_found", "rejected"],
    [409, "PayCrossValidationError", "validation", "rejected"],
    [422, "PayCrossValidationError", "validation", "rejected"],
    [429, "PayCrossRateLimitError", "rate_limited", "rejected"],
    [500, "PayCrossServerError", "server", "transport"],
    [503, "PayCrossServerError", "server", "transport"],
    [308, "PayCrossRedirectError", "redirect", "transport"],
    [200, "PayCrossInvalidResponseError", "invalid_response", "transport"],
  ])("status %i builds %s with code %s and kind %s", (status, name, code, kind) => {
    const ErrorClass = errorClassForStatus(status);
    const e = new ErrorClass({ status, message: "m" });
    expect(e).toBeInstanceOf(PayCrossError);
    expect(e).toMatchObject({ name, code, kind, status });
    expect(e.toJSON()).toMatchObject({ name, code, kind, status });
  });

  it("other packages make coded local errors; an explicit code wins", () => {
    const e = payCrossError("store_locked", "locked by pid 12");
    expect(e).toBeInstanceOf(PayCrossLocalError);
    expect(isPayCrossError(e)).toBe(true);
    expect(e).toMatchObject({ code: "store_locked", kind: "local", message: "locked by pid 12" });
    expect(new PayCrossConfigError({ message: "x" }).code).toBe("config");
    expect(new PayCrossConfigError({ message: "x", code: "usage" }).code).toBe("usage");
    class StoreCorrupt extends PayCrossLocalError {
      static override readonly defaultCode = "store_corrupt";
    }
    expect(new StoreCorrupt({ message: "bad line 3" }).code).toBe("store_corrupt");
  });
});
