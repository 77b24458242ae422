/** Progress: live on a terminal (checks done / total, the current check), one line otherwise. */
import { describe, expect, it } from "vitest";
import { progress } from "../src/cli/output.js";
import type { CheckResult } from "../src/types.js";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, s: { isTTY, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream };
}
const result = (check: CheckResult["check"], operation?: string): CheckResult => ({
  check,
  suite: check.split(".")[0] as CheckResult["suite"],
  status: "passed",
  durationMs: 1,
  ...(operation ? { operation } : {}),
});

describe("progress", () => {
  it("on a TTY redraws one line with checks done / total and the current check", () => {
    const { written, s } = stream(true);
    const p = progress(s, 34, "the embedded mock gateway");
    p.onResult(result("contract.not_a_server_error", "createPayment"));
    p.onResult(result("contract.not_a_server_error", "createRefund"));
    p.onResult(result("async.accepted_shape", "createPaymentAsync"));
    p.done();
    expect(written[0]).toBe("paycross-conformance: checking the embedded mock gateway with 34 checks…");
    expect(written[1]).toBe("\r\x1b[Kchecks 1/34 · contract.not_a_server_error [createPayment] passed");
    expect(written[3]).toBe("\r\x1b[Kchecks 2/34 · async.accepted_shape [createPaymentAsync] passed");
    expect(written.at(-1)).toBe("\r\x1b[K");
  });

  it("elsewhere prints one line and no control characters", () => {
    const { written, s } = stream(false);
    const p = progress(s, 5, "https://sandbox.example");
    p.onResult(result("auth.wrong_credentials_rejected"));
    p.done();
    expect(written).toEqual(["paycross-conformance: checking https://sandbox.example with 5 checks…\n"]);
  });
});
