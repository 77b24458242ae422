import { describe, expect, it } from "vitest";
import { classifyResult, classifyStatus } from "../../src/internal.js";

describe("the read-once policy of a result URL", () => {
  it.each([
    [425, { status: "processing", request_id: "t" }, "processing"],
    [200, { status: "processing", request_id: "t" }, "processing"],
    [200, { transaction: { uid: "u", status: "successful" } }, "completed"],
    [200, { status: "processing", transaction: { uid: "u" } }, "completed"],
    [404, { status: "unknown", request_id: "t" }, "unknown"],
    [401, { message: "Access denied" }, "not_served"],
    [429, { message: "slow down" }, "not_served"],
    [500, { message: "boom" }, "candidate"],
    [502, undefined, "candidate"],
    [503, { message: "busy" }, "candidate"],
    [599, {}, "candidate"],
    [422, { message: "can't be refunded" }, "failed"],
    [400, { message: "bad" }, "failed"],
    [404, { message: "Record not found" }, "failed"],
    [200, "text", "invalid"],
    [200, [1], "invalid"],
  ] as const)("%i %j is %s", (status, body, state) => {
    expect(classifyResult(status, body, "t").state).toBe(state);
  });

  it("names the request id from the body, else from the URL", () => {
    expect(classifyResult(425, undefined, "from-url")).toMatchObject({ request_id: "from-url" });
    expect(classifyResult(404, { status: "unknown", request_id: "b" }, "u")).toMatchObject({
      request_id: "b",
    });
  });
});

describe("the status URL", () => {
  it.each([
    [200, { status: "processing" }, "processing"],
    [200, { status: "completed", response_url: "https://g/async/result/t" }, "completed"],
    [200, { status: "unknown" }, "unknown"],
    [404, { status: "unknown" }, "unknown"],
    [404, undefined, "unknown"],
    [500, { message: "x" }, "error"],
    [200, { status: "weird" }, "invalid"],
    [200, null, "invalid"],
  ] as const)("%i %j is %s", (status, body, state) => {
    expect(classifyStatus(status, body, "t").state).toBe(state);
  });
});
