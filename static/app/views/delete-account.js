import { h, pageTitle } from "../dom.js";
import { form, inputs } from "../forms.js";
import { authed, endSession } from "../session.js";

export function deleteAccountPage({ title }) {
  const deleteForm = form({
    label: title,
    submit: "Delete my account",
    danger: true,
    fields: [inputs.password({ hint: "Enter your password to confirm. This cannot be undone." })],
    fieldForCode: { invalid_password: "password" },
    async onSubmit({ password }) {
      await authed("DELETE", "/users/me", { password });
      endSession("deleted");
    },
  });
  return h(
    "section",
    {},
    pageTitle(title),
    h("p", {}, "Your account, its sessions and its data are deleted at once. You will be signed out everywhere."),
    deleteForm,
    h("p", {}, h("a", { href: "/account" }, "Keep my account")),
  );
}
