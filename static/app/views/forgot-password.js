import { request } from "../api.js";
import { h, pageTitle } from "../dom.js";
import { form, inputs } from "../forms.js";
import { navigate } from "../router.js";

export function forgotPasswordPage({ title, params }) {
  const forgotForm = form({
    label: title,
    submit: "Email me a code",
    fields: [inputs.email({ value: params.get("email") ?? "", autofocus: true })],
    async onSubmit({ email }) {
      await request("POST", "/auth/forgot-password", { body: { email } });
      navigate(`/reset-password?email=${encodeURIComponent(email)}`, {
        notice: `If ${email} has an account, a 6-digit code is on its way.`,
      });
    },
  });
  return h(
    "section",
    {},
    pageTitle(title),
    h("p", {}, "We will email you a code to choose a new password."),
    forgotForm,
    h("p", {}, h("a", { href: "/reset-password" }, "I already have a code")),
  );
}
