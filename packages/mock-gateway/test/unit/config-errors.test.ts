import { isPayCrossError } from "@paycross/client";
import { describe, expect, it } from "vitest";
import { FaultInjector } from "../../src/faults.js";
import { ManualClock, startMockGateway } from "../../src/index.js";

const codeOf = async (f: () => unknown) => {
  try {
    await f();
  } catch (e) {
    return isPayCrossError(e)
      ? { code: e.code, message: e.message }
      : { code: "not a PayCrossError", message: String(e) };
  }
  return { code: "no error", message: "" };
};

describe("configuration and usage errors are PayCrossErrors with a code", () => {
  it.each([
    [{ port: 70_000 }, /port must be a whole number from 0 to 65535/],
    [{ requestTimeoutMs: 0 }, /requestTimeoutMs/],
    [{ asyncDelayMs: -5 }, /asyncDelayMs/],
    [{ shopId: "a:b" }, /shopId/],
    [{ publicUrl: "not a url" }, /publicUrl must be an absolute URL/],
    [{ faults: [{ kind: "error", rate: 2 }] }, /faults\[0\]\.rate/],
  ] as const)("startMockGateway(%j) is refused at start with code config", async (options, message) => {
    const r = await codeOf(() => startMockGateway(options as never));
    expect(r.code).toBe("config");
    expect(r.message).toMatch(message);
  });

  it("a bad fault names its field (code config); moving a clock backwards is a usage error", async () => {
    const faults = new FaultInjector();
    expect(await codeOf(() => faults.set([{ kind: "error", times: -1 }]))).toEqual({
      code: "config",
      message: "faults[0].times must be a whole number",
    });
    expect((await codeOf(() => new ManualClock(0).advance(-1))).code).toBe("usage");
    const gw = await startMockGateway();
    try {
      expect((await codeOf(() => gw.advance(1))).code).toBe("usage");
    } finally {
      await gw.close();
    }
  });
});
