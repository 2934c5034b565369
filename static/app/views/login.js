import { h, pageTitle } from "../dom.js";
import { form, inputs } from "../forms.js";
import { handOverPassword } from "../pending-password.js";
import { navigate } from "../router.js";
import { signIn } from "../session.js";

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

export function loginPage({ title, params }) {
  const unverified = h("p", { class: "notice", hidden: true });
  const loginForm = form({
    label: title,
    submit: "Sign in",
    fields: [inputs.email({ value: params.get("email") ?? "", autofocus: true }), inputs.password()],
    async onSubmit({ email, password }) {
      unverified.hidden = true;
      try {
        await signIn(email, password);
      } catch (err) {
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
  return h(
    "section",
    {},
    pageTitle(title),
    loginForm,
    unverified,
    h("p", {}, h("a", { href: "/forgot-password" }, "Forgot your password?")),
    h("p", {}, "New here? ", h("a", { href: "/register" }, "Create an account"), "."),
  );
}
