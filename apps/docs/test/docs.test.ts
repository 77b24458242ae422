/**
 * The rendered reference in a real browser (Debian's chromium through playwright-core), with every
 * request that leaves the local server blocked: the page must stand on its own.
 */
import { existsSync, readFileSync } from "node:fs";
import { Contract } from "@paycross/spec";
import { type OfflinePage, openOffline } from "@paycross/testkit/browser";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const html = new URL("../dist/index.html", import.meta.url);
const contract = new Contract();

let opened: OfflinePage;
let page: Page;
let blocked: OfflinePage["blocked"];

beforeAll(async () => {
  if (!existsSync(html)) throw new Error("dist/index.html is missing: run the docs build first (turbo does)");
  opened = await openOffline(readFileSync(html), { width: 1400, height: 1000 });
  ({ page, blocked } = opened);
});

/**
 * The side menu as rendered: top-level entries (the left-most labels) and, under each, the labels indented
 * below it, read from the positions of the labels on screen, not from Redoc's class names.
 */
async function menu(): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const labelOf = (text: string) =>
      [...document.querySelectorAll("span")].find(
        (e) => e.textContent?.trim() === text && e.children.length === 0,
      );
    const first = labelOf("Payments");
    if (!first) return {};
    let box: Element | null = first;
    while (box && !(box.textContent ?? "").includes("Asynchronous tasks")) box = box.parentElement;
    const left = Math.round(first.getBoundingClientRect().left);
    const labels = [...(box?.querySelectorAll("span") ?? [])]
      .filter((e) => e.children.length === 0 && e.textContent?.trim() && e.getBoundingClientRect().width > 0)
      .map((e) => ({ text: e.textContent!.trim(), rect: e.getBoundingClientRect() }))
      .sort((a, b) => a.rect.top - b.rect.top);
    const tree: Record<string, string[]> = {};
    let current: string | undefined;
    for (const l of labels) {
      if (Math.round(l.rect.left) === left) {
        current = l.text;
        tree[current] = [];
      } else if (current && l.rect.left > left) tree[current]!.push(l.text);
    }
    return tree;
  });
}

afterAll(async () => {
  await opened?.close();
});

describe("the rendered API reference", () => {
  it("renders every operation of the contract and the webhook, with nothing loaded from outside", async () => {
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node: innerText is the rendered text
    const text = async () => (await page.locator("body").innerText()).replace(/\s+/g, " ");
    await expect.poll(text, { timeout: 30_000 }).toContain("Retention of results");
    // The reference renders one tag at a time: open each and collect what it shows.
    let seen = await text();
    for (const tag of contract.document.tags ?? []) {
      await page.getByText(tag.name, { exact: true }).first().click();
      await expect
        .poll(text, { timeout: 10_000 })
        .toContain(tag.description.replace(/`/g, "").split(/[.:]/)[0]!.trim().slice(0, 40));
      seen += await text();
    }
    for (const op of contract.operations) expect(seen, op.operationId).toContain(op.object.summary!);
    expect(seen).toContain("Transaction notification (webhook)");
    expect(seen).toMatch(/returned once/);
    // Nothing the page needs came from elsewhere: what it tried (Redocly's logo, a telemetry beacon) was
    // refused, and no script, stylesheet or font was among it.
    for (const b of blocked)
      expect(["script", "stylesheet", "font", "document"], b.url).not.toContain(b.type);
  });

  it("shows the webhook as a top-level entry of the menu, not under Payments", async () => {
    const webhook = Object.values(contract.document.webhooks ?? {}).flatMap((w) => Object.values(w))[0]!;
    const tag = webhook.tags?.[0];
    expect(tag, "the webhook's tag").toBeDefined();
    expect(tag).not.toBe("Payments");
    for (const name of ["Payments", tag!]) await page.getByText(name, { exact: true }).first().click();
    await expect
      .poll(async () => JSON.stringify(await menu()), { timeout: 10_000 })
      .toContain(webhook.summary!);
    const tree = await menu();
    expect(Object.keys(tree)).toContain(tag);
    expect(tree[tag!]).toContain(webhook.summary);
    expect(tree.Payments?.length, "Payments was expanded").toBeGreaterThan(0);
    expect(tree.Payments).not.toContain(webhook.summary);
  });

  it("lists every server of the contract: production, the sandbox placeholder and the local mock", async () => {
    const servers =
      (contract.document as { servers?: Array<{ url: string; description?: string }> }).servers ?? [];
    expect(servers.map((s) => s.url)).toEqual([
      expect.stringMatching(/^https:\/\/gateway\./),
      expect.stringMatching(/^https:\/\/\{sandbox/),
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
    ]);
    // The servers panel belongs to the overview: open it from the menu (the reference shows one part at a time).
    await page.getByText(contract.document.info.title, { exact: true }).first().click();
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node: innerText is the rendered text
    const read = async () => (await page.locator("body").innerText()).replace(/\s+/g, " ");
    await expect.poll(read, { timeout: 10_000 }).toContain(servers[0]!.url);
    const text = await read();
    for (const s of servers) expect(text, s.url).toContain(s.url);
    expect(text).toMatch(/sandbox \(placeholder\)/i);
    expect(text).toMatch(/local mock gateway/i);
  });

  it("finds an operation by name with its search box", async () => {
    await page.keyboard.press("Control+k");
    const input = page.locator("input").first();
    await input.waitFor({ timeout: 10_000 });
    await input.fill("Void an authorization");
    const results = page.getByText("/async/transactions/voids");
    await expect.poll(async () => await results.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: new URL("../test-results/docs-search.png", import.meta.url).pathname });
  });
});
