import { request } from "../api.js";
import { h, pageTitle } from "../dom.js";
import { form, inputs } from "../forms.js";
import { navigate } from "../router.js";

export function resetPasswordPage({ title, params }) {
  const email = params.get("email") ?? "";
  const resetForm = form({
    label: title,
    submit: "Set new password",
    fields: [inputs.email({ value: email }), inputs.code({ autofocus: true }), inputs.newPassword()],
    fieldForCode: { invalid_code: "code", code_expired: "code" },
    async onSubmit(values) {
      await request("POST", "/auth/reset-password", {
        body: { email: values.email, code: values.code.trim(), new_password: values.new_password },
      });
      navigate(`/login?email=${encodeURIComponent(values.email)}`, {
        notice: "Your password was changed and every session signed out. Sign in with the new password.",
      });
    },
  });
  return h("section", {}, pageTitle(title), resetForm);
}
