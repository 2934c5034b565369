import { h, pageTitle } from "../dom.js";
import { form, inputs } from "../forms.js";
import { handOverPassword } from "../pending-password.js";
import { navigate } from "../router.js";
import { signIn, signInWithCode, signInWithPasskey } from "../session.js";
import { passkeysSupported } from "../webauthn.js";

/**
 * Where to go after signing in: ?next= only when it resolves, as a URL, to this very origin (so
 * "//evil.example", "/\evil.example" and "https://evil.example" all fall back to the profile).
 */
function safeNext(next) {
  if (!next) return "/account";
  try {
    const url = new URL(next, location.origin);
    if (url.origin === location.origin) return url.pathname + url.search + url.hash;
  } catch {
    // Not a URL at all.
  }
  return "/account";
}

/** The second step, once the password was right and the account has two-factor on. */
function secondStep({ ticket, next }) {
  const codeForm = form({
    label: "Two-factor code",
    submit: "Continue",
    fields: [inputs.authenticatorCode({ recovery: true, autofocus: true })],
    fieldForCode: { invalid_code: "code" },
    async onSubmit({ code }) {
      await signInWithCode(ticket, code.trim());
      navigate(next, { replace: true });
    },
  });
  return h(
    "section",
    {},
    pageTitle("Two-factor code"),
    h("p", {}, "Your account has two-factor sign-in on. Enter the code your authenticator app shows now."),
    codeForm,
    h("p", {}, "Lost your device? Enter one of the recovery codes you saved instead; each works once."),
    h("p", {}, h("a", { href: "/login" }, "Start again"), " (a sign-in waits 5 minutes for its code)."),
  );
}

/**
 * The other way in: no address, no password; the browser offers this site's passkeys. Not drawn where
 * the browser has no WebAuthn: a button that can only fail is worse than none.
 */
function passkeySignIn(next) {
  if (!passkeysSupported()) return null;
  return h(
    "div",
    { class: "passkey-sign-in" },
    h("p", { class: "or" }, "or"),
    form({
      label: "Sign in with a passkey",
      submit: "Sign in with a passkey",
      secondary: true,
      fields: [],
      async onSubmit() {
        await signInWithPasskey();
        navigate(next, { replace: true });
      },
    }),
  );
}

export function loginPage({ title, params }) {
  const unverified = h("p", { class: "notice", hidden: true });
  let page;
  const loginForm = form({
    label: title,
    submit: "Sign in",
    fields: [inputs.email({ value: params.get("email") ?? "", autofocus: true }), inputs.password()],
    async onSubmit({ email, password }) {
      unverified.hidden = true;
      try {
        await signIn(email, password);
      } catch (err) {
        if (err.code === "mfa_required") {
          const step = secondStep({ ticket: err.problem.mfa_ticket, next: safeNext(params.get("next")) });
          page.replaceWith(step);
          (step.querySelector("[autofocus]") ?? step).focus();
          return;
        }
        if (err.code === "email_not_verified") {
          // The password just typed is the one to activate the account with, so the code page need not ask again.
          handOverPassword(email, password);
          unverified.replaceChildren(
            "Your address is not verified yet. ",
            h("a", { href: `/verify?email=${encodeURIComponent(email)}` }, "Enter the code we emailed you"),
            ".",
          );
          unverified.hidden = false;
        }
        throw err;
      }
      navigate(safeNext(params.get("next")), { replace: true });
    },
  });
  page = h(
    "section",
    {},
    pageTitle(title),
    loginForm,
    unverified,
    passkeySignIn(safeNext(params.get("next"))),
    h("p", {}, h("a", { href: "/forgot-password" }, "Forgot your password?")),
    h("p", {}, "New here? ", h("a", { href: "/register" }, "Create an account"), "."),
  );
  return page;
}
