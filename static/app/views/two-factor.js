import { h, pageTitle, replaceChildren, statusRegion } from "../dom.js";
import { form, inputs } from "../forms.js";
import { qrCodeSvg } from "../qr-code.js";
import { authed, currentUser, updateUser } from "../session.js";

const BASE = "/users/me/totp";

/** Groups of four, as authenticator apps show a secret to type in. */
const spaced = (secret) => secret.replace(/(.{4})(?=.)/g, "$1 ");

/** The recovery codes, shown once: copy them, download them as a text file, then go on. */
function recoveryCodesPanel(codes, onDone) {
  const text = `Recovery codes for ${currentUser().email}\nEach works once, in place of an authenticator code.\n\n${codes.join("\n")}\n`;
  const status = statusRegion();
  const copy = h("button", {
    type: "button",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        status.textContent = "Copied.";
      } catch {
        status.textContent = "Copying is not allowed here; select the codes and copy them yourself.";
      }
    },
  }, "Copy");
  const download = h("a", { class: "button", href: URL.createObjectURL(new Blob([text], { type: "text/plain" })), download: "recovery-codes.txt" }, "Download");
  return h(
    "div",
    { class: "recovery-codes" },
    h("h2", { tabindex: "-1" }, "Your recovery codes"),
    h("p", {}, "Keep these somewhere safe. Each one signs you in once if you lose your authenticator. They are shown only now."),
    h("ol", { class: "codes", "aria-label": "Recovery codes" }, codes.map((code) => h("li", {}, h("code", {}, code)))),
    h("div", { class: "actions" }, copy, download, h("button", { type: "button", class: "primary", onclick: onDone }, "I have saved them")),
    status,
  );
}

/**
 * The account as GET /users/me tells it: only that answer says whether two-factor is on and how many
 * recovery codes are left (sign-in and profile answers do not).
 */
async function readAccount() {
  const me = await authed("GET", "/users/me");
  updateUser(me);
  return me;
}

export function twoFactorPage({ title }) {
  const body = h("div", {});
  const status = statusRegion();
  const show = (...children) => {
    replaceChildren(body, ...children);
    (body.querySelector("[autofocus]") ?? body.querySelector("h2") ?? body).focus();
  };

  const showCodes = (codes, message) =>
    show(recoveryCodesPanel(codes, async () => {
      await draw();
      status.textContent = message;
    }));

  function offView() {
    const start = form({
      label: "Turn on two-factor",
      submit: "Set up an authenticator app",
      fields: [inputs.password({ hint: "Your password, to confirm it is you." })],
      fieldForCode: { invalid_password: "password" },
      async onSubmit({ password }) {
        status.textContent = "";
        show(enrolView(await authed("POST", BASE, { password })));
      },
    });
    return [
      h("p", {}, "Two-factor sign-in is ", h("strong", {}, "off"), ". With it on, signing in needs your password and a code from an authenticator app on your phone (Google Authenticator, 1Password, Aegis…)."),
      start,
    ];
  }

  function enrolView({ secret, otpauth_uri }) {
    const confirm = form({
      label: "Confirm the authenticator",
      submit: "Turn on",
      fields: [inputs.authenticatorCode({ autofocus: true, hint: "The 6 digits the app shows for this account, to check it is set up right." })],
      fieldForCode: { invalid_code: "code" },
      async onSubmit({ code }) {
        const { recovery_codes } = await authed("POST", `${BASE}/confirm`, { code: code.trim() });
        showCodes(recovery_codes, "Two-factor sign-in is on.");
      },
    });
    return [
      h("h2", { tabindex: "-1" }, "Scan this with your authenticator app"),
      h("div", { class: "qr" }, qrCodeSvg(otpauth_uri, "QR code to add this account to an authenticator app")),
      h("p", {}, "Can't scan it? Enter this key in the app instead (time-based):"),
      h("p", {}, h("code", { class: "secret", "data-secret": secret }, spaced(secret))),
      confirm,
      h("p", {}, h("button", { type: "button", class: "link", onclick: () => void draw() }, "Cancel")),
    ];
  }

  function onView(user) {
    const codeFields = () => [inputs.password(), inputs.authenticatorCode({ recovery: true })];
    const regenerate = form({
      label: "New recovery codes",
      submit: "Make new recovery codes",
      fields: codeFields(),
      fieldForCode: { invalid_password: "password", invalid_code: "code" },
      async onSubmit({ password, code }) {
        status.textContent = "";
        const { recovery_codes } = await authed("POST", `${BASE}/recovery-codes`, { password, code: code.trim() });
        showCodes(recovery_codes, "New recovery codes made; the old ones no longer work.");
      },
    });
    const turnOff = form({
      label: "Turn off two-factor",
      submit: "Turn off two-factor",
      danger: true,
      fields: codeFields(),
      fieldForCode: { invalid_password: "password", invalid_code: "code" },
      async onSubmit({ password, code }) {
        status.textContent = "";
        await authed("DELETE", BASE, { password, code: code.trim() });
        await draw();
        status.textContent = "Two-factor sign-in is off.";
      },
    });
    return [
      h("p", {}, "Two-factor sign-in is ", h("strong", {}, "on"), `. Recovery codes left: ${user.recovery_codes_left}.`),
      h("h2", {}, "Recovery codes"),
      h("p", {}, "Making new ones voids the old ones."),
      regenerate,
      h("h2", {}, "Turn off"),
      turnOff,
    ];
  }

  async function draw() {
    try {
      const me = await readAccount();
      replaceChildren(body, ...(me.totp_enabled ? onView(me) : offView()));
    } catch (err) {
      replaceChildren(body, h("p", { class: "form-alert", role: "alert" }, err.message));
    }
  }
  replaceChildren(body, h("p", {}, "Loading…"));
  void draw();
  // The outcome above the forms, where the eye is after a form gives way to the next view.
  return h("section", {}, pageTitle(title), status, body, h("p", {}, h("a", { href: "/account" }, "Back to your profile")));
}
