// Helpers for the browser tests: Debian's Chromium driven by playwright-core, screenshots, and reading
// mailed codes the way a person does, from the mail catcher's page.
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, inject, vi } from "vitest";

export const APP_URL = inject("appUrl");
/** The same app on the stack where registering signs you in, no code mailed. */
export const APP_URL_WITHOUT_VERIFICATION = inject("appUrlWithoutVerification");
export const MAIL_URL = inject("mailUrl");
const SQL_URL = inject("sqlUrl");
export const PASSWORD = "correct horse battery staple";
export const ARTIFACTS = "test-artifacts/e2e";

// Without the background-networking flags Chromium keeps dialling Google, which this offline machine refuses.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Script errors and Content-Security-Policy violations seen so far: bugs even when the page looks right. */
  errors: string[];
}

/** One Chromium for the test file that calls it (at its top level). */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

// This file's share of the range (vitest loads it once per test file), then one /64 per profile.
const SITE = Math.floor(Math.random() * 0x10000).toString(16);
let profiles = 0;

/**
 * A fresh browser profile (its own cookies) on a phone-sized or desktop window, on the main stack's app or
 * `appUrl`. Each profile is a person on a network of their own (an IPv6 /64 of the documentation range, as
 * CF-Connecting-IP, which the local runtime takes as sent): the per-network rate limits then meter each
 * person, not the whole suite, which from one address ran into the 10 registrations a minute.
 */
export async function newPage(browser: Browser, { phone = false, appUrl = APP_URL } = {}): Promise<AppPage> {
  profiles += 1;
  const context = await browser.newContext({
    baseURL: appUrl,
    viewport: phone ? { width: 390, height: 844 } : { width: 1100, height: 800 },
    extraHTTPHeaders: { "cf-connecting-ip": `2001:db8:${SITE}:${profiles.toString(16)}::1` },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    // Failed API calls (4xx the test provoked) are logged by Chromium as "Failed to load resource".
    if (msg.type() === "error" && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  return { context, page, errors };
}

/** A screenshot of the whole page, or only of the window (`fullPage: false`) where the page is very long. */
export async function snap(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage });
}

export const uniqueEmail = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.test`;

/**
 * The newest code mailed to `email`, read from the catcher's page as a person would (opened from the
 * app's "mail catcher" link). `count` waits for that many messages to the address first.
 */
export async function readCodeFromCatcher(context: BrowserContext, email: string, count = 1): Promise<string> {
  const page = await context.newPage();
  try {
    // Addressed to them (the meta line), not merely mentioning them (an old-address notice does).
    const article = page.locator("article").filter({ has: page.locator("p.meta", { hasText: `to ${email} ·` }) });
    await vi.waitFor(
      async () => {
        await page.goto(MAIL_URL);
        if ((await article.count()) < count) throw new Error(`waiting for ${count} message(s) to ${email}`);
      },
      { timeout: 10_000, interval: 250 },
    );
    const text = await article.first().locator("pre").innerText();
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    if (!code) throw new Error(`no 6-digit code in the newest mail to ${email}: ${text}`);
    return code;
  } finally {
    await page.close();
  }
}

/** How many messages the catcher holds for `address` (its JSON API: for counting, not for reading codes). */
export async function mailCount(address: string): Promise<number> {
  const res = await fetch(`${MAIL_URL}/api/messages?to=${encodeURIComponent(address)}`);
  if (!res.ok) throw new Error(`the mail catcher answered ${res.status}`);
  return ((await res.json()) as unknown[]).length;
}

/**
 * Asserts `address` still has exactly `count` messages after `settleMs`. Mail goes out after the
 * server's answer, so that none was sent can only be shown by waiting as long as one would take.
 */
export async function expectNoMoreMail(address: string, count: number, settleMs = 2000): Promise<void> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const seen = await mailCount(address);
    if (seen !== count) throw new Error(`expected ${count} message(s) to ${address}, the catcher has ${seen}`);
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Fills a labelled input. */
export async function fill(page: Page, label: string | RegExp, value: string): Promise<void> {
  await page.getByLabel(label, { exact: typeof label === "string" }).fill(value);
}

/** Registers through the app, reads the code, verifies: ends on the profile page, signed in. */
export async function registerAndVerify(page: Page, email: string, extra: { fullName?: string; username?: string } = {}): Promise<void> {
  await page.goto("/register");
  await fill(page, "Email", email);
  await fill(page, "Password", PASSWORD);
  if (extra.fullName) await fill(page, /Full name/, extra.fullName);
  if (extra.username) await fill(page, /Username/, extra.username);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/verify\?email=/);
  const code = await readCodeFromCatcher(page.context(), email);
  await fill(page, "6-digit code", code);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await page.waitForURL("**/account");
}

/** Signs in through the login page. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/login");
  await fill(page, "Email", email);
  await fill(page, "Password", password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL("**/account");
}

/** Takes the dev stack's database away (the SQL endpoint answers like an outage), or brings it back. */
export async function setDatabaseAvailable(available: boolean): Promise<void> {
  const res = await fetch(`${SQL_URL}/_control/available`, { method: "POST", body: JSON.stringify({ available }) });
  if (!res.ok) throw new Error(`the SQL endpoint refused the switch: ${res.status}`);
}
