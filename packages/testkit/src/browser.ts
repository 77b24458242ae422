/**
 * `@paycross/testkit/browser`: a page served on loopback and opened in Debian's chromium (through
 * playwright-core; `scripts/install-browser.sh` installs the browser), with every request that leaves the
 * local server blocked and recorded, so a test can assert that the page stands on its own.
 * A separate entry: only the browser tests load playwright.
 */
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface OfflinePage {
  page: Page;
  browser: Browser;
  origin: string;
  /** Requests that tried to leave the local server (aborted), in order. */
  blocked: Array<{ url: string; type: string }>;
  close(): Promise<void>;
}

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Serves `html` at `/` on 127.0.0.1 and opens it; `data:` URLs count as local. */
export async function openOffline(
  html: string | Uint8Array,
  viewport = { width: 1200, height: 900 },
): Promise<OfflinePage> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`no browser at ${CHROMIUM_PATH}: scripts/install-browser.sh installs Debian's chromium`);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = () => new Promise<void>((r) => server.close(() => r()));
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  } catch (e) {
    await closeServer();
    throw e;
  }
  const blocked: OfflinePage["blocked"] = [];
  const page = await browser.newPage({ viewport });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
    blocked.push({ url, type: route.request().resourceType() });
    return route.abort();
  });
  await page.goto(`${origin}/`, { waitUntil: "load" });
  return {
    page,
    browser,
    origin,
    blocked,
    async close() {
      await browser.close();
      server.closeAllConnections();
      await closeServer();
    },
  };
}
