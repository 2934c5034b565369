// Two-factor sign-in the way a person sets it up: the QR page, an authenticator (./authenticator.ts,
// reading the key the page shows), the recovery codes, the second
// step at sign-in with a code and with a recovery code, then turning it off.
import { beforeAll, describe, expect, it } from "vitest";
import { authenticatorCode, base32Bytes, freshCode } from "./authenticator";
import { fill, newPage, PASSWORD, registerAndVerify, signIn, snap, uniqueEmail, useBrowser, type AppPage } from "./browser";

const browser = useBrowser();

describe("two-factor sign-in in the browser", () => {
  const email = uniqueEmail("totp");
  const usedSteps = { last: 0 };
  let main: AppPage;
  let key: Buffer;
  let recoveryCodes: string[];

  /** A new browser signed in with the password only: on the second step. */
  async function passwordStep() {
    const { page } = await newPage(browser());
    await page.goto("/login");
    await fill(page, "Email", email);
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Two-factor code" }).waitFor();
    return page;
  }

  beforeAll(async () => {
    main = await newPage(browser());
    await registerAndVerify(main.page, email);
  });

  it("sets up an authenticator from the QR page and shows the recovery codes once", async () => {
    const { page } = main;
    await page.getByRole("link", { name: "Two-factor sign-in" }).click();
    await page.waitForURL("**/account/two-factor");
    await page.getByText("Two-factor sign-in is off.").waitFor();
    await snap(page, "two-factor-01-off");
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    const qr = page.getByRole("img", { name: /QR code/ });
    await qr.waitFor();
    // Drawn in the page from the URI, from our own origin's encoder: a square of many modules.
    expect(Number((await qr.getAttribute("viewBox"))!.split(" ")[2])).toBeGreaterThanOrEqual(29);
    const secret = (await page.locator("code.secret").getAttribute("data-secret"))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits
    key = base32Bytes(secret);
    await snap(page, "two-factor-02-qr");

    await fill(page, "Authenticator code", await freshCode(key, usedSteps));
    await page.getByRole("button", { name: "Turn on" }).click();
    const list = page.getByRole("list", { name: "Recovery codes" });
    await list.waitFor();
    recoveryCodes = (await list.locator("code").allInnerTexts()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toBe("recovery-codes.txt");
    await snap(page, "two-factor-03-recovery-codes");
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByText("Two-factor sign-in is on.", { exact: true }).waitFor();
    expect(await page.locator("section").innerText()).toContain("Recovery codes left: 10");
    await snap(page, "two-factor-04-on");
  });

  it("asks for the second step at sign-in, and takes a code from the app", async () => {
    const page = await passwordStep();
    expect(page.url()).toMatch(/\/login$/);
    await snap(page, "two-factor-05-second-step");
    // A code from an hour ago: refused, said on the form, and the step stays open.
    await fill(page, "Authenticator or recovery code", authenticatorCode(key, Date.now() - 3_600_000));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator(".field-error:not([hidden]), .form-alert:not([hidden])").first().waitFor();
    await fill(page, "Authenticator or recovery code", await freshCode(key, usedSteps));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL("**/account");
    await page.locator("dl.details", { hasText: email }).waitFor();
  });

  it("takes a recovery code once, in any case and without its dash", async () => {
    const page = await passwordStep();
    await fill(page, "Authenticator or recovery code", recoveryCodes[0]!.replace("-", "").toUpperCase());
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("link", { name: "Two-factor sign-in" }).click();
    await page.getByText("Recovery codes left: 9").waitFor();
  });

  it("turns two-factor off with the password and a code; then the password alone signs in", async () => {
    const { page } = main;
    await page.goto("/account/two-factor");
    await page.getByRole("heading", { name: "Turn off" }).waitFor();
    const turnOff = page.getByRole("form", { name: "Turn off two-factor" });
    await turnOff.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await turnOff.getByLabel("Authenticator or recovery code").fill(await freshCode(key, usedSteps));
    await turnOff.getByRole("button", { name: "Turn off two-factor" }).click();
    await page.getByText("Two-factor sign-in is off.", { exact: true }).waitFor();
    await snap(page, "two-factor-06-off-again");

    const other = await newPage(browser());
    await signIn(other.page, email);
    await other.page.waitForURL("**/account");
  });
});
