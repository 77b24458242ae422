/**
 * The HTML report in a real browser (Debian's chromium through playwright-core, installed by the
 * test command): self-contained (every request leaving the local server is blocked and counted),
 * a summary by suite, each failure with its rule, request, answer and curl, and a screenshot check.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type OfflinePage, openOffline } from "@paycross/testkit/browser";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUITES } from "../src/checks/catalog.js";
import { html, MOCK_PROFILE, type RunReport, runConformance } from "../src/index.js";
import { brokenGateway } from "./broken.js";

let opened: OfflinePage;
let page: Page;
let report: RunReport;

beforeAll(async () => {
  const b = await brokenGateway("capture_as_payment");
  try {
    report = await runConformance({
      target: b.target,
      profile: MOCK_PROFILE,
      embedded: true,
      suites: ["contract", "auth"],
    });
  } finally {
    await b.close();
  }
  const page0 = html(report);
  mkdirSync(new URL("../test-results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("../test-results/conformance-report.html", import.meta.url), page0);
  opened = await openOffline(page0);
  page = opened.page;
}, 120_000);

afterAll(async () => {
  await opened?.close();
});

describe("the HTML report in chromium", () => {
  it("is self-contained and shows the summary table by suite", async () => {
    expect(opened.blocked.map((b) => b.url)).toEqual([]);
    const rows = await page.locator("#summary tbody tr").allTextContents();
    // One row per suite, in the catalogue's order (SUITES is the one list of them).
    expect(rows.map((r) => r.split(/\d/)[0])).toEqual([...SUITES]);
    const failedCell = page.locator("#summary tbody tr").first().locator("td").nth(1);
    expect(Number(await failedCell.textContent())).toBe(report.summary.contract.failed);
    expect(await failedCell.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      "rgb(255, 235, 233)",
    );
  });

  it("shows each failure with its rule, request, answer and curl", async () => {
    const sections = page.locator("section.failure");
    expect(await sections.count()).toBe(report.failed);
    const first = sections.filter({ hasText: "contract.transaction_type_matches" }).first();
    await expect(first.locator("p.rule").textContent()).resolves.toMatch(
      /Rule: Each operation's transaction has its own `type`/,
    );
    await expect(first.locator("dd pre").nth(0).textContent()).resolves.toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/transactions\/captures/,
    );
    await expect(first.locator("dd pre").nth(1).textContent()).resolves.toMatch(/^200\s+\{"transaction"/);
    await expect(first.locator("pre.curl").textContent()).resolves.toMatch(
      /^curl -sS -X POST '.*\/transactions\/captures'/,
    );
  });

  it("renders (screenshot check): a PNG whose failure border is the report's red", async () => {
    const shot = await page.screenshot({
      fullPage: false,
      path: new URL("../test-results/conformance-report.png", import.meta.url).pathname,
    });
    expect(shot.subarray(1, 4).toString()).toBe("PNG");
    expect(shot.length).toBeGreaterThan(10_000);
    const box = await page.locator("section.failure").first().boundingBox();
    expect(box!.height).toBeGreaterThan(40);
    expect(
      await page
        .locator("section.failure")
        .first()
        .evaluate((el) => getComputedStyle(el).borderLeftColor),
    ).toBe("rgb(207, 34, 46)");
  });
});
