// The admin's users page: search, paging, role changes, resetting two-factor sign-in, deletion, and what
// the last admin cannot do.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN_EMAIL } from "./stack";
import { authenticatorCode, base32Bytes } from "./authenticator";
import { APP_URL, fill, newPage, PASSWORD, registerAndVerify, signIn, snap, uniqueEmail, useBrowser, type AppPage } from "./browser";

const browser = useBrowser();

const rows = (page: Page) => page.locator("table.users tbody tr");
const emailsShown = (page: Page) => page.locator("table.users tbody .email").allInnerTexts();

/** Turns TOTP on for `email` through the API, as the two-factor page would (tested in two-factor.test.ts). */
async function turnOnTwoFactor(email: string): Promise<void> {
  const post = async (path: string, body: object, token?: string) => {
    const res = await fetch(`${APP_URL}/api/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as Record<string, string>;
  };
  const { access_token: token } = await post("/auth/login", { email, password: PASSWORD });
  const { secret } = await post("/users/me/totp", { password: PASSWORD }, token);
  await post("/users/me/totp/confirm", { code: authenticatorCode(base32Bytes(secret!)) }, token);
}

describe("admin users page", () => {
  const tag = `pupil${Date.now().toString(36)}`;
  const pupils = [uniqueEmail(`${tag}-a`), uniqueEmail(`${tag}-b`)];
  let admin: AppPage;

  beforeAll(async () => {
    for (const email of pupils) {
      const { page, context } = await newPage(browser());
      await registerAndVerify(page, email);
      await context.close();
    }
    admin = await newPage(browser());
    await registerAndVerify(admin.page, ADMIN_EMAIL);
  });

  it("is not offered to, nor opened for, a user who is not an admin", async () => {
    const { page } = await newPage(browser());
    await signIn(page, pupils[0]!);
    expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
    await page.goto("/admin/users");
    await page.getByRole("heading", { name: "Admins only" }).waitFor();
  });

  it("pages through everyone and back", async () => {
    const { page } = admin;
    await page.getByRole("link", { name: "Users" }).click();
    await page.waitForURL("**/admin/users");
    await rows(page).first().waitFor();
    await snap(page, "30-admin-users");

    await page.goto("/admin/users?limit=2");
    await rows(page).nth(1).waitFor();
    const first = await emailsShown(page);
    expect(first).toHaveLength(2);
    await page.getByRole("button", { name: "Next page" }).click();
    const second = await vi.waitFor(async () => {
      const shown = await emailsShown(page);
      expect(shown.some((e) => first.includes(e))).toBe(false);
      return shown;
    });
    expect(second.length).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Previous page" }).click();
    await vi.waitFor(async () => expect(await emailsShown(page)).toEqual(first));
  });

  it("searches by the start of an address", async () => {
    const { page } = admin;
    await page.goto("/admin/users");
    await fill(page, "Search", tag);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await vi.waitFor(async () => expect((await emailsShown(page)).sort()).toEqual([...pupils].sort()));
    expect(page.url()).toContain(`q=${tag}`);
    await snap(page, "31-admin-search");
  });

  it("shows each address on one line at a desktop width", async () => {
    const { page } = admin;
    await page.goto(`/admin/users?q=${tag}`);
    await rows(page).nth(1).waitFor();
    await snap(page, "33-admin-users-desktop");
    // On one line each (its pieces all at one height): an address broken mid-word is hard to read, or to
    // tell from its neighbours.
    const lines = (await page.evaluate(
      `[...document.querySelectorAll("table.users tbody .email")].map((email) => [email.textContent, new Set([...email.getClientRects()].map((piece) => Math.round(piece.top))).size])`,
    )) as [string, number][];
    expect(Object.fromEntries(lines)).toEqual(Object.fromEntries(pupils.map((email) => [email, 1])));
    // Nor is the table pushed out of a narrow column: it has the window's width, with nothing to scroll sideways.
    expect(await page.evaluate(`(({ scrollWidth, clientWidth }) => scrollWidth <= clientWidth)(document.querySelector(".table-wrap"))`)).toBe(true);
  });

  it("makes a user an admin, and the change sticks", async () => {
    const { page } = admin;
    await page.goto(`/admin/users?q=${encodeURIComponent(pupils[0]!)}`);
    const role = page.getByLabel(`Role of ${pupils[0]}`);
    await role.selectOption("admin");
    await page.getByText(`${pupils[0]} is now admin.`).waitFor();
    await page.reload();
    expect(await page.getByLabel(`Role of ${pupils[0]}`).inputValue()).toBe("admin");
    await role.selectOption("user", { timeout: 5000 });
    await page.getByText(`${pupils[0]} is now user.`).waitFor();
  });

  it("refuses to demote the last admin, with the server's reason, and puts the choice back", async () => {
    const { page } = admin;
    await page.goto(`/admin/users?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    const own = page.getByLabel(`Role of ${ADMIN_EMAIL}`);
    await own.selectOption("user");
    // The last-admin reason itself: /admin/i would also match a refusal ("Only an admin can change roles.").
    await page.getByRole("alert").filter({ hasText: "This is the last admin; make someone else admin first." }).waitFor();
    expect(await own.inputValue()).toBe("admin");
    await snap(page, "32-admin-last-admin");
  });

  it("shows who signs in with a second factor, and resets it after a second, confirming click", async () => {
    const [pupil] = pupils as [string];
    await turnOnTwoFactor(pupil);
    const { page, errors } = admin;
    await page.goto(`/admin/users?q=${encodeURIComponent(pupil)}`);
    const row = rows(page).filter({ hasText: pupil });
    await row.getByText("2FA", { exact: true }).waitFor();
    await snap(page, "34-admin-two-factor");
    await page.getByRole("button", { name: `Reset two-factor sign-in of ${pupil}` }).click();
    await page.getByRole("button", { name: `Confirm resetting two-factor sign-in of ${pupil}` }).click();
    await page.getByText(`Two-factor sign-in is off for ${pupil}.`).waitFor();
    expect(await row.getByText("2FA", { exact: true }).count()).toBe(0);
    expect(await page.getByRole("button", { name: `Reset two-factor sign-in of ${pupil}` }).count()).toBe(0);
    // The password alone signs the user in again.
    const other = await newPage(browser());
    await signIn(other.page, pupil);
    await other.page.waitForURL("**/account");
    expect(errors).toEqual([]);
  });

  it("deletes a user after a second, confirming click", async () => {
    const { page, errors } = admin;
    await page.goto(`/admin/users?q=${tag}`);
    await rows(page).nth(1).waitFor();
    await page.getByRole("button", { name: `Delete ${pupils[1]}` }).click();
    await page.getByRole("button", { name: `Confirm deleting ${pupils[1]}` }).click();
    await page.getByText(`${pupils[1]} was deleted.`).waitFor();
    expect(await emailsShown(page)).toEqual([pupils[0]]);
    expect(errors).toEqual([]);
  });
});
