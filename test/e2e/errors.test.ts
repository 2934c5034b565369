// What a person sees when something goes wrong: the server's message, next to the input it is about,
// with focus moved there.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { APP_URL, expectNoMoreMail, fill, newPage, PASSWORD, readCodeFromCatcher, registerAndVerify, setDatabaseAvailable, signIn, snap, uniqueEmail, useBrowser, type AppPage } from "./browser";

const browser = useBrowser();

/** The error shown under a labelled input, and whether that input is marked invalid. */
async function fieldError(page: Page, label: string | RegExp) {
  const input = page.getByLabel(label, { exact: typeof label === "string" });
  await page.locator('[aria-invalid="true"]').first().waitFor();
  const errorId = (await input.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("-error"))!;
  return { invalid: await input.getAttribute("aria-invalid"), message: await page.locator(`#${errorId}`).innerText() };
}

const focusedName = (page: Page) => page.locator(":focus").getAttribute("name");

/** The focused element's text and the style of the outline drawn around it ("none" when none is). */
const focusRing = async (page: Page) =>
  (await page.evaluate("({ focused: document.activeElement.textContent.trim(), outline: getComputedStyle(document.activeElement).outlineStyle })")) as {
    focused: string;
    outline: string;
  };

describe("error messages a person can meet", () => {
  const email = uniqueEmail("grace");
  const username = `grace_${Date.now().toString(36)}`;
  let signedIn: AppPage;

  beforeAll(async () => {
    signedIn = await newPage(browser());
    await registerAndVerify(signedIn.page, email, { username });
  });

  it("registration: each invalid field gets its own message, and focus goes to the first", async () => {
    const { page, errors } = await newPage(browser(), { phone: true });
    await page.goto("/register");
    await fill(page, "Email", uniqueEmail("short"));
    await fill(page, "Password", "short");
    await fill(page, /Username/, "x");
    await page.getByRole("button", { name: "Create account" }).click();
    expect(await fieldError(page, "Password")).toEqual({ invalid: "true", message: "Must be at least 8 characters." });
    expect((await fieldError(page, /Username/)).message).toContain("3 to 32 letters");
    expect(await focusedName(page)).toBe("password");
    await snap(page, "20-register-field-errors");
    expect(errors).toEqual([]);
  });

  it("an empty email is called required, on the page, and nothing is sent", async () => {
    for (const [path, submit] of [["/register", "Create account"], ["/login", "Sign in"]] as const) {
      const { page, errors } = await newPage(browser());
      await page.goto(path);
      await fill(page, "Password", PASSWORD);
      const sent: string[] = [];
      page.on("request", (req) => {
        if (req.url().includes("/api/")) sent.push(req.url());
      });
      await page.getByRole("button", { name: submit, exact: true }).click();
      expect(await fieldError(page, "Email")).toEqual({ invalid: "true", message: "Email is required." });
      expect(await focusedName(page)).toBe("email");
      expect(sent, `${path} sent a request`).toEqual([]);
      if (path === "/register") await snap(page, "28-register-email-required");
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it("login: a wrong password says so without saying which part was wrong", async () => {
    const { page } = await newPage(browser());
    await page.goto("/login");
    await fill(page, "Email", email);
    await fill(page, "Password", "not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "The email or password is not correct." });
    await alert.waitFor();
    expect(await page.locator(":focus").getAttribute("role")).toBe("alert");
    expect(page.url()).toContain("/login");
    await snap(page, "21-login-wrong-password");
  });

  it("login before verifying: explains and links to the code page", async () => {
    const { page } = await newPage(browser());
    const pending = uniqueEmail("pending");
    await page.goto("/register");
    await fill(page, "Email", pending);
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/verify/);

    await page.goto("/login");
    await fill(page, "Email", pending);
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("link", { name: "Enter the code we emailed you" }).click();
    await page.waitForURL(/\/verify\?email=/);

    await fill(page, "6-digit code", "000000");
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    const { message } = await fieldError(page, "6-digit code");
    expect(message).toMatch(/code/i);
    expect(await focusedName(page)).toBe("code");
    await snap(page, "22-verify-bad-code");

    // Asking again within the minute sends nothing new (one mail a minute), and the first code still works.
    // The answer is the same either way (it must not tell who is registered): count the mail instead.
    await page.getByRole("button", { name: "Send a new code" }).click();
    await page.getByText("a new code is on its way").waitFor();
    await expectNoMoreMail(pending, 1);
    await fill(page, "6-digit code", await readCodeFromCatcher(page.context(), pending));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL("**/account");
  });

  it("profile: a username someone else has is refused under that input", async () => {
    const { page } = await newPage(browser());
    await registerAndVerify(page, uniqueEmail("other"));
    await fill(page, /Username/, username);
    await page.getByRole("button", { name: "Save profile" }).click();
    expect((await fieldError(page, /Username/)).message).toMatch(/taken/i);
    expect(await focusedName(page)).toBe("username");
    await snap(page, "23-profile-username-taken");
  });

  it("password change: a wrong current password is flagged on that input", async () => {
    const { page } = signedIn;
    await page.goto("/account/password");
    await page.locator("dl.details").or(page.getByLabel("Current password")).first().waitFor();
    await fill(page, "Current password", "not my password");
    await fill(page, "New password", "another fine passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    expect((await fieldError(page, "Current password")).message).toMatch(/password/i);
    await snap(page, "24-password-wrong-current");
  });

  it("an unreachable server gets a plain explanation, not a silent failure", async () => {
    const { page } = signedIn;
    await page.goto("/account");
    await page.locator("dl.details").waitFor();
    await page.route("**/api/v1/users/me", (route) => route.abort("connectionrefused"));
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByRole("alert").filter({ hasText: "The server could not be reached" }).waitFor();
    await page.unroute("**/api/v1/users/me");
  });

  it("a database outage is explained on reload, and the session is back once it ends", async () => {
    const { page } = signedIn;
    await setDatabaseAvailable(false);
    try {
      await page.reload();
      const notice = page.locator(".notice", { hasText: "Could not check whether you are signed in" });
      await notice.waitFor();
      expect(await notice.innerText()).toMatch(/unavailable|try again/i);
      await snap(page, "26-database-outage");
    } finally {
      await setDatabaseAvailable(true);
    }
    await page.goto("/account");
    await page.locator("dl.details", { hasText: email }).waitFor();
  });

  it("a session ended elsewhere sends the person to sign in, saying why", async () => {
    const elsewhere = await newPage(browser());
    await elsewhere.page.goto("/login");
    await fill(elsewhere.page, "Email", email);
    await fill(elsewhere.page, "Password", PASSWORD);
    await elsewhere.page.keyboard.press("Enter");
    await elsewhere.page.waitForURL("**/account");
    await elsewhere.page.goto("/account/sessions");
    await elsewhere.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await elsewhere.page.waitForURL("**/login");

    // This page still holds an access token; its next action finds the session gone.
    const { page, errors } = signedIn;
    await fill(page, /Full name/, "Grace Hopper");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.waitForURL("**/login?next=%2Faccount");
    await page.getByText("Your session has ended. Please sign in again.").waitFor();
    await snap(page, "25-session-ended");

    // A reload does not bring it back: the refresh cookie died with the session.
    await page.goto("/account");
    await page.waitForURL("**/login?next=%2Faccount");
    expect(errors).toEqual([]);
  });

  it("a crafted ?next= that leaves the site (a backslash, a scheme, two slashes) lands on the profile instead", async () => {
    for (const next of ["/%5Cevil.example/x", "//evil.example/x", "https%3A%2F%2Fevil.example%2F"]) {
      const { page, errors } = await newPage(browser());
      await page.goto(`/login?next=${next}`);
      await fill(page, "Email", email);
      await fill(page, "Password", PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL("**/account");
      expect(new URL(page.url()).origin).toBe(new URL(APP_URL).origin);
      await page.locator("dl.details", { hasText: email }).waitFor();
      expect(errors).toEqual([]);
      await page.context().close();
    }
    // A path inside the app is still honoured.
    const { page } = await newPage(browser());
    await page.goto(`/login?next=${encodeURIComponent("/account/sessions")}`);
    await fill(page, "Email", email);
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL("**/account/sessions");
  });

  it("the code page opened on its own asks for the password, and the one given there is the account's", async () => {
    const pending = uniqueEmail("elsewhere");
    const registering = await newPage(browser());
    await registering.page.goto("/register");
    await fill(registering.page, "Email", pending);
    await fill(registering.page, "Password", "registered password 1");
    await registering.page.getByRole("button", { name: "Create account" }).click();
    await registering.page.waitForURL(/\/verify/);
    // The person opens the code page somewhere else (another device, a reload): no password came along.
    const { page } = await newPage(browser());
    await page.goto(`/verify?email=${encodeURIComponent(pending)}`);
    await fill(page, "6-digit code", await readCodeFromCatcher(page.context(), pending));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    expect((await fieldError(page, "Password")).message).toMatch(/at least 8|required/i);
    await fill(page, "Password", "chosen at verification");
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL("**/account");
    await signIn((await newPage(browser())).page, pending, "chosen at verification");
  });

  it("focuses a new page's heading without a ring, and rings whatever the keyboard reaches", async () => {
    const { page, errors } = await newPage(browser());
    await signIn(page, email);
    // Landing on a page: its heading takes focus for screen readers, with no ring (nobody moved there).
    await page.goto("/account");
    await page.locator("h1:focus").waitFor();
    expect(await focusRing(page)).toEqual({ focused: "Your profile", outline: "none" });
    // The keyboard moves on: the control it reaches shows where it is.
    await page.keyboard.press("Tab");
    expect((await focusRing(page)).outline).not.toBe("none");
    // Following a link by keyboard: the next page's heading is focused by the app, not by the person.
    for (let presses = 0; presses < 20 && (await focusRing(page)).focused !== "Sessions and devices"; presses++) {
      await page.keyboard.press("Tab");
    }
    expect(await focusRing(page)).toEqual({ focused: "Sessions and devices", outline: "solid" });
    await page.keyboard.press("Enter");
    await page.waitForURL("**/account/sessions");
    await page.locator("h1:focus").waitFor();
    expect(await focusRing(page)).toEqual({ focused: "Your sessions", outline: "none" });
    await snap(page, "27-heading-focused");
    expect(errors).toEqual([]);
  });

  it("works by keyboard alone", async () => {
    const { page } = await newPage(browser());
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).waitFor();
    // The email input has focus when the page opens.
    expect(await focusedName(page)).toBe("email");
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("password");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/account");
  });
});
