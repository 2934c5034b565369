import { h, pageTitle, statusRegion } from "../dom.js";
import { form, inputs } from "../forms.js";
import { authed } from "../session.js";

export function passwordPage({ title }) {
  const status = statusRegion();
  const passwordForm = form({
    label: title,
    submit: "Change password",
    fields: [inputs.password({ label: "Current password", name: "current_password", autofocus: true }), inputs.newPassword()],
    fieldForCode: { invalid_password: "current_password" },
    async onSubmit({ current_password, new_password }, formEl) {
      status.textContent = "";
      await authed("POST", "/users/me/password", { current_password, new_password });
      formEl.reset();
      status.textContent = "Password changed. Your other sessions were signed out.";
    },
  });
  return h("section", {}, pageTitle(title), passwordForm, status, h("p", {}, h("a", { href: "/account" }, "Back to your profile")));
}
