// Passkeys the way a person uses them: added on the Passkeys page (the password, the browser's dialog, a
// name), renamed, used to sign in with no address typed, removed; and what the pages say when the browser
// makes no passkey or has no WebAuthn at all. Chromium's virtual authenticator (the DevTools protocol's
// WebAuthn domain) stands in for a device's: it answers at once, as if the person touched the sensor.
import type { CDPSession, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { fill, newPage, PASSWORD, registerAndVerify, signIn, snap, uniqueEmail, useBrowser, type AppPage } from "./browser";

const browser = useBrowser();

/**
 * A platform authenticator that keeps passkeys and verifies the user, for this page only (a CDP target's).
 * `synced`: its passkeys say they are backed up, as a cloud keychain's do.
 */
async function addAuthenticator(page: Page, { synced = false } = {}): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      defaultBackupEligibility: synced,
      defaultBackupState: synced,
    },
  });
  return { cdp, authenticatorId };
}

describe("passkeys in the browser", () => {
  const email = uniqueEmail("passkey");
  let main: AppPage;
  let authenticator: { cdp: CDPSession; authenticatorId: string };
  const passkey = (page: Page) => page.locator("li.passkey");

  beforeAll(async () => {
    main = await newPage(browser());
    authenticator = await addAuthenticator(main.page, { synced: true });
    await registerAndVerify(main.page, email);
  });

  it("adds a passkey: the password again and a name, then the browser's dialog", async () => {
    const { page } = main;
    await page.getByRole("link", { name: "Passkeys" }).click();
    await page.waitForURL("**/account/passkeys");
    await page.getByText("No passkeys yet.").waitFor();
    // Nothing to confirm with yet: the password is the only way.
    expect(await page.getByRole("button", { name: "Confirm with a passkey instead" }).count()).toBe(0);
    await snap(page, "passkeys-01-none");

    // A wrong password is said under the password field, and no dialog opens.
    await fill(page, "Password", "not my password");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.locator(".field-error:not([hidden])", { hasText: "The password is not correct." }).waitFor();
    expect((await authenticator.cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator.authenticatorId })).credentials).toEqual([]);
    await snap(page, "passkeys-02-wrong-password");

    await fill(page, "Password", PASSWORD);
    await page.getByLabel("Name (optional)", { exact: true }).fill("Work laptop");
    await snap(page, "passkeys-03-name");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “Work laptop” added.", { exact: false }).waitFor();
    // The authenticator now holds a discoverable passkey for this site: one that can sign in with no address.
    const { credentials } = await authenticator.cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator.authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(credentials[0]!.rpId).toBe("localhost");
    await expect.poll(() => passkey(page).count()).toBe(1);
    expect(await passkey(page).innerText()).toMatch(/Work laptop[\s\S]*Added .+ · last used never/);
    await passkey(page).getByText("synced", { exact: true }).waitFor();
    await snap(page, "passkeys-04-added");
  });

  it("renames it in place", async () => {
    const { page } = main;
    await page.getByRole("button", { name: "Rename Work laptop" }).click();
    const renameForm = page.getByRole("form", { name: "Rename Work laptop" });
    expect(await renameForm.getByLabel("Name", { exact: true }).inputValue()).toBe("Work laptop");
    await renameForm.getByLabel("Name", { exact: true }).fill("Ada’s laptop");
    await snap(page, "passkeys-05-rename");
    await renameForm.getByRole("button", { name: "Save name" }).click();
    await page.getByText("Renamed to “Ada’s laptop”.").waitFor();
    await page.getByRole("button", { name: "Rename Ada’s laptop" }).waitFor();
    // Kept by the server, not only redrawn.
    await page.reload();
    await passkey(page).filter({ hasText: "Ada’s laptop" }).waitFor();
  });

  it("says so when the device already holds a passkey for the account", async () => {
    const { page } = main;
    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "already holds a passkey for your account" }).waitFor();
    await snap(page, "passkeys-06-already-there");
  });

  it("says so when the browser's dialog makes no passkey; the list fits a phone", async () => {
    const other = await newPage(browser(), { phone: true });
    const { page } = other;
    const { cdp, authenticatorId } = await addAuthenticator(page);
    // The person does not pass the fingerprint or PIN check: the browser says NotAllowedError, as for a cancel.
    await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
    await signIn(page, email);
    await page.goto("/account/passkeys");
    await passkey(page).filter({ hasText: "Ada’s laptop" }).waitFor();
    await snap(page, "passkeys-07-phone");
    expect(await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")).toBe(true);

    await fill(page, "Password", PASSWORD);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "No passkey was made" }).waitFor();
    expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toEqual([]);
    await snap(page, "passkeys-08-not-made");
    expect(other.errors).toEqual([]);
    await other.context.close();
  });

  it("signs in with the passkey, no address typed, and the list says when it was last used", async () => {
    const { page } = main;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL("**/login");
    await snap(page, "passkeys-09-sign-in");
    // The same page: the virtual authenticator belongs to this tab.
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL("**/account");
    await page.locator("dl.details", { hasText: email }).waitFor();

    await page.getByRole("link", { name: "Passkeys" }).click();
    const row = passkey(page).filter({ hasText: "Ada’s laptop" });
    await row.waitFor();
    expect(await row.locator(".passkey-meta").innerText()).toMatch(/last used (?!never)\S/);
    await snap(page, "passkeys-10-used");
  });

  it("takes a passkey instead of the password to confirm it is you", async () => {
    const { page, errors } = main;
    // This device holds the account's passkey, so the browser then refuses to make a second one here:
    // a refusal that can only come after the server took the passkey as confirmation, since only then
    // does it hand out the options that name the passkeys to exclude.
    await page.getByRole("button", { name: "Confirm with a passkey instead" }).click();
    await page.getByRole("alert").filter({ hasText: "already holds a passkey for your account" }).waitFor();
    await snap(page, "passkeys-16-confirmed-with-passkey");
    expect(errors).toEqual([]);
  });

  it("says so when this device has no passkey for the site", async () => {
    const { page, errors, context } = await newPage(browser());
    await addAuthenticator(page);
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "No passkey was used" }).waitFor();
    expect(page.url()).toMatch(/\/login$/);
    await snap(page, "passkeys-11-none-on-device");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("removes it after a second, confirming click; then it signs in no more", async () => {
    const { page } = main;
    await page.getByRole("button", { name: "Remove Ada’s laptop" }).click();
    await snap(page, "passkeys-12-confirm-remove");
    await page.getByRole("button", { name: "Confirm removing Ada’s laptop" }).click();
    await page.getByText("Passkey “Ada’s laptop” removed", { exact: false }).waitFor();
    await page.getByText("No passkeys yet.").waitFor();
    await snap(page, "passkeys-13-removed");

    // The device still offers it (only the person can delete it there); the service refuses it.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL("**/login");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "This passkey could not sign you in" }).waitFor();
    expect(page.url()).toMatch(/\/login$/);
    await snap(page, "passkeys-14-removed-refused");
    expect(main.errors).toEqual([]);
  });

  it("in a browser without WebAuthn: no passkey button at sign-in, and the Passkeys page says why", async () => {
    const { page, errors, context } = await newPage(browser());
    await page.addInitScript("delete window.PublicKeyCredential");
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Sign in with a passkey" }).count()).toBe(0);
    await signIn(page, email);
    await page.getByRole("link", { name: "Passkeys" }).click();
    await page.getByText("This browser cannot make or use passkeys.").waitFor();
    expect(await page.getByRole("button", { name: "Add a passkey" }).count()).toBe(0);
    await snap(page, "passkeys-15-unsupported");
    expect(errors).toEqual([]);
    await context.close();
  });
});
