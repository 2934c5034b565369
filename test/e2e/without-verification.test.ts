// A deployment that mails no codes (REQUIRE_EMAIL_VERIFICATION=false): creating an account signs you in.
import { describe, expect, it } from "vitest";
import { APP_URL_WITHOUT_VERIFICATION, fill, newPage, PASSWORD, snap, uniqueEmail, useBrowser } from "./browser";

const browser = useBrowser();

describe("registering where no code is mailed", () => {
  it("signs the new person in and opens their profile", async () => {
    const { page, errors } = await newPage(browser(), { appUrl: APP_URL_WITHOUT_VERIFICATION });
    const email = uniqueEmail("lin");
    await page.goto("/register");
    await fill(page, "Email", email);
    await fill(page, "Password", PASSWORD);
    await fill(page, /Full name/, "Lin Yutang");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/account");
    await page.getByText("Your account is ready. Welcome!").waitFor();
    expect(await page.locator("dl.details").innerText()).toContain(email);
    expect(await page.getByLabel(/Full name/).inputValue()).toBe("Lin Yutang");
    await snap(page, "40-registered-without-verification");

    // Signed in for real: a reload keeps the session (the refresh cookie), as after any sign-in.
    await page.reload();
    await page.locator("dl.details", { hasText: email }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account");
    expect(errors).toEqual([]);
  });
});
