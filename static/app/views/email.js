import { h, pageTitle, statusRegion } from "../dom.js";
import { field, form, inputs } from "../forms.js";
import { authed, currentUser, updateUser } from "../session.js";

// Two steps: ask for the change (a code goes to the new address), then confirm with that code.
export function emailPage({ title }) {
  const status = statusRegion();
  const section = h("section", {}, pageTitle(title));
  let newEmail = "";

  const confirmForm = form({
    label: "Confirm the new address",
    submit: "Confirm new address",
    fields: [inputs.code()],
    fieldForCode: { invalid_code: "code", code_expired: "code", email_taken: "code" },
    async onSubmit({ code }) {
      const user = await authed("POST", "/users/me/email/verify", { code: code.trim() });
      updateUser(user);
      confirmStep.hidden = true;
      requestForm.reset();
      status.textContent = `Your email address is now ${user.email}.`;
      current.textContent = user.email;
    },
  });
  const confirmStep = h("div", { hidden: true }, h("h2", {}, "Enter the code"), h("p", { class: "step-hint" }), confirmForm);

  const requestForm = form({
    label: title,
    submit: "Send code to new address",
    fields: [
      field({ label: "New email", name: "new_email", type: "email", autocomplete: "email", required: true, maxlength: 254, autofocus: true }),
      inputs.password({ hint: "Your current password, to confirm it is you." }),
    ],
    fieldForCode: { invalid_password: "password", email_taken: "new_email", email_unchanged: "new_email" },
    async onSubmit(values) {
      status.textContent = "";
      await authed("POST", "/users/me/email", { new_email: values.new_email, password: values.password });
      newEmail = values.new_email;
      confirmStep.querySelector(".step-hint").textContent = `We sent a 6-digit code to ${newEmail}. Your address changes once you enter it.`;
      confirmStep.hidden = false;
      confirmForm.elements.namedItem("code").focus();
    },
  });

  const current = h("strong", {}, currentUser().email);
  section.append(h("p", {}, "Current address: ", current), requestForm, confirmStep, status, h("p", {}, h("a", { href: "/account" }, "Back to your profile")));
  return section;
}
