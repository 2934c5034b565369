// The pages and files around the app's forms: the API reference and the site's icon.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { APP_URL, newPage, snap, useBrowser } from "./browser";

const browser = useBrowser();

/** Every request the page makes that leaves this origin or fails, and every file answered with an error. */
function watchRequests(page: Page): string[] {
  const problems: string[] = [];
  const ownOrigin = new URL(APP_URL).origin;
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol.startsWith("http") && url.origin !== ownOrigin) problems.push(`off this origin: ${req.url()}`);
  });
  page.on("requestfailed", (req) => problems.push(`failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on("response", (res) => {
    // The API's refusals are the app's to handle (a signed-out page's refresh gets 401), not missing files.
    if (res.status() >= 400 && !new URL(res.url()).pathname.startsWith("/api/")) problems.push(`${res.status()}: ${res.url()}`);
  });
  return problems;
}

/** The size the browser decodes an image at, or null when it cannot show it. Run in a page of this origin. */
const decodedSize = (page: Page, src: string) =>
  page.evaluate(`new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
    img.onerror = () => resolve(null);
    img.src = ${JSON.stringify(src)};
  })`);

describe("around the app", () => {
  it("the API reference loads only this origin's files, without errors, and fills the window", async () => {
    const { page, errors } = await newPage(browser());
    const requests = watchRequests(page);
    await page.goto("/redoc");
    await page.getByRole("heading", { name: /Accounts API/ }).first().waitFor();
    // The sidebar's credit line is where ReDoc would fetch its logo from a CDN.
    await page.getByRole("link", { name: /API docs by Redocly/ }).waitFor();
    await page.waitForLoadState("networkidle");
    await snap(page, "50-redoc", { fullPage: false });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    // No white frame around the reference: the body's default 8 px margin is gone.
    expect(await page.evaluate("getComputedStyle(document.body).margin")).toBe("0px");
  });

  it("has an icon of its own: /favicon.ico is an icon, not the app's page, and the linked icons load", async () => {
    const res = await fetch(`${APP_URL}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)\b/);
    // An ICO file starts with reserved 0 and type 1 (icon), little-endian.
    expect([...new Uint8Array(await res.arrayBuffer()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);

    const { page, errors } = await newPage(browser());
    const requests = watchRequests(page);
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).waitFor();
    const linked = (await page.evaluate(`[...document.querySelectorAll('link[rel~="icon"]')].map((link) => link.href)`)) as string[];
    expect(linked.length).toBeGreaterThan(0);
    // Chromium decodes each one, and the one asked for by name: valid images, whatever the tab shows.
    for (const src of new Set([`${APP_URL}/favicon.ico`, ...linked])) {
      const size = await decodedSize(page, src);
      expect(size, src).not.toBeNull();
    }
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });
});
