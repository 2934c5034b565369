import { request } from "../api.js";
import { h, pageTitle } from "../dom.js";
import { form, inputs } from "../forms.js";
import { navigate } from "../router.js";
import { startSession } from "../session.js";

// Only paths inside this app: a crafted ?next= must not send anyone to another site.
const safeNext = (next) => (next && next.startsWith("/") && !next.startsWith("//") ? next : "/account");

export function loginPage({ title, params }) {
  const unverified = h("p", { class: "notice", hidden: true });
  const loginForm = form({
    label: title,
    submit: "Sign in",
    fields: [inputs.email({ value: params.get("email") ?? "", autofocus: true }), inputs.password()],
    async onSubmit({ email, password }) {
      unverified.hidden = true;
      try {
        startSession(await request("POST", "/auth/login", { body: { email, password } }));
      } catch (err) {
        if (err.code === "email_not_verified") {
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
