// The pages and files around the app's forms: the API reference.
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
});
