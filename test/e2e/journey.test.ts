// One person's life with the app, the way they would click through it, in a real Chromium.
import { beforeAll, describe, expect, it } from "vitest";
import { fill, newPage, PASSWORD, readCodeFromCatcher, signIn, snap, uniqueEmail, useBrowser, type AppPage } from "./browser";

const browser = useBrowser();

describe("a person's account, from registration to deletion", () => {
  const email = uniqueEmail("ada");
  let main: AppPage;

  beforeAll(async () => {
    main = await newPage(browser());
  });

  it("registers, reads the code in the mail catcher linked from the app, and verifies", async () => {
    const { page } = main;
    const res = await page.goto("/");
    // Only our own files may run or style the page: no inline script or style is allowed, or needed.
    const csp = res!.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res!.headers()["x-frame-options"]).toBe("DENY");
    await page.waitForURL("**/login");
    // The local stack's banner points at the catcher, where the code will be.
    const catcherLink = page.getByRole("link", { name: "mail catcher" });
    await catcherLink.waitFor();
    expect(await catcherLink.getAttribute("href")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await snap(page, "01-login");

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL("**/register");
    await snap(page, "02-register");
    await fill(page, "Email", email);
    await fill(page, "Password", PASSWORD);
    await fill(page, /Full name/, "Ada Lovelace");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/verify\?email=/);
    expect(await page.getByRole("status").first().innerText()).toContain(`We sent a 6-digit code to ${email}`);
    await snap(page, "03-verify");

    const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByRole("link", { name: "mail catcher" }).click()]);
    await popup.waitForLoadState();
    expect(await popup.locator("p.meta", { hasText: `to ${email} ·` }).count()).toBe(1);
    await snap(popup, "04-mail-catcher");
    await popup.close();

    await fill(page, "6-digit code", await readCodeFromCatcher(main.context, email));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL("**/account");
    await page.getByText("Your email is verified. Welcome!").waitFor();
    expect(await page.locator("dl.details").innerText()).toContain(`${email} (verified)`);
    await snap(page, "05-profile");
  });

  it("is still signed in after a reload (the refresh cookie, not storage, carries the session)", async () => {
    const { page } = main;
    await page.reload();
    await page.waitForURL("**/account");
    await page.locator("dl.details", { hasText: email }).waitFor();
    // Nothing token-like is kept where scripts could read it later.
    // (A string, evaluated in the page: the test itself is typed without the DOM.)
    const stored = String(await page.evaluate("JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie"));
    expect(stored).not.toMatch(/eyJ|refresh/);
  });

  it("refreshes its access token a minute before it expires, without a failed call", async () => {
    const { context, page } = await newPage(browser());
    await page.clock.install();
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).waitFor();
    // Stopped once the page has loaded: an installed clock flows in real time, so on a busy machine the
    // refresh timer set at sign-in would come due a second or two early, inside the 28:59 below.
    await page.clock.pauseAt(Date.now() + 1000);
    await fill(page, "Email", email);
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL("**/account");
    const failures: string[] = [];
    page.on("response", (res) => {
      if (res.url().includes("/api/") && res.status() >= 400) failures.push(`${res.status()} ${res.url()}`);
    });
    // Counted from here: the sign-in page itself asked whether a session exists when it loaded.
    const refreshes: string[] = [];
    page.on("request", (req) => {
      if (req.url().endsWith("/api/v1/auth/refresh")) refreshes.push(req.method());
    });
    // The token lives 30 minutes: at 28:59 nothing has happened yet, at 29:01 the refresh has.
    const refreshed = page.waitForResponse((res) => res.url().endsWith("/api/v1/auth/refresh"));
    await page.clock.runFor("28:59");
    // A request the page made in those minutes reaches this listener a moment later: let it arrive.
    await new Promise((r) => setTimeout(r, 1000));
    expect(refreshes, "refreshed before 28:59").toEqual([]);
    await page.clock.runFor("00:02");
    expect((await refreshed).status()).toBe(200);
    expect(refreshes, "one refresh by 29:01").toEqual(["POST"]);
    await page.getByRole("link", { name: "Sessions", exact: true }).click();
    await page.locator("li.session.current").waitFor();
    expect(failures).toEqual([]);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL("**/login");
    await context.close();
  });

  it("edits the profile", async () => {
    const { page } = main;
    await fill(page, /Full name/, "Augusta Ada King");
    await fill(page, /Username/, `ada_${Date.now().toString(36)}`);
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();
    await page.reload();
    await page.locator("dl.details", { hasText: email }).waitFor();
    expect(await page.getByLabel(/Full name/).inputValue()).toBe("Augusta Ada King");
  });

  it("sees a second session from another browser and revokes it", async () => {
    const other = await newPage(browser(), { phone: true });
    await signIn(other.page, email);
    await snap(other.page, "06-profile-phone");

    const { page } = main;
    await page.getByRole("link", { name: "Sessions", exact: true }).click();
    await page.waitForURL("**/account/sessions");
    const sessions = page.locator("li.session");
    await sessions.nth(1).waitFor();
    expect(await sessions.count()).toBe(2);
    expect(await page.locator("li.session.current").count()).toBe(1);
    expect(await page.locator("li.session.current").innerText()).toContain("This device");
    await snap(page, "07-sessions");

    await page.getByRole("button", { name: /^Revoke/ }).click();
    await page.getByText("Session revoked.").waitFor();
    expect(await sessions.count()).toBe(1);

    // The other browser finds out at its next action: back to sign-in, told why.
    await other.page.getByRole("link", { name: "Sessions", exact: true }).click();
    await other.page.waitForURL("**/login?next=%2Faccount%2Fsessions");
    await other.page.getByText("Your session has ended. Please sign in again.").waitFor();
    await snap(other.page, "08-session-ended");
    expect(other.errors).toEqual([]);
    await other.context.close();
  });

  it("resets a forgotten password and signs in with the new one", async () => {
    const { page } = main;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL("**/login");
    await page.getByText("You are signed out.").waitFor();

    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL("**/forgot-password");
    await fill(page, "Email", email);
    await snap(page, "09-forgot-password");
    await page.getByRole("button", { name: "Email me a code" }).click();
    await page.waitForURL(/\/reset-password\?email=/);
    await fill(page, "6-digit code", await readCodeFromCatcher(main.context, email, 2));
    await fill(page, "New password", "a whole new passphrase");
    await snap(page, "10-reset-password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/\/login/);
    await page.getByText(/Your password was changed/).waitFor();

    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").getByText("The email or password is not correct.").waitFor();
    await signIn(page, email, "a whole new passphrase");
  });

  it("changes the email address with a code sent to the new one", async () => {
    const { page } = main;
    const newEmail = uniqueEmail("ada-new");
    await page.goto("/account/email");
    await fill(page, "New email", newEmail);
    await fill(page, "Password", "a whole new passphrase");
    await page.getByRole("button", { name: "Send code to new address" }).click();
    await fill(page, "6-digit code", await readCodeFromCatcher(main.context, newEmail));
    await snap(page, "11-change-email");
    await page.getByRole("button", { name: "Confirm new address" }).click();
    await page.getByText(`Your email address is now ${newEmail}.`).waitFor();
  });

  it("changes the password", async () => {
    const { page } = main;
    await page.goto("/account/password");
    await fill(page, "Current password", "a whole new passphrase");
    await fill(page, "New password", PASSWORD);
    await snap(page, "12-change-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed.", { exact: false }).waitFor();
  });

  it("deletes the account and cannot sign in any more", async () => {
    const { page } = main;
    await page.goto("/account/delete");
    await fill(page, "Password", PASSWORD);
    await snap(page, "13-delete-account");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL("**/login");
    await page.getByText("Your account was deleted.").waitFor();
    await page.reload();
    await page.waitForURL("**/login");
    expect(main.errors).toEqual([]);
  });
});
