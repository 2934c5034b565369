import { request } from "../api.js";
import { h, pageTitle, statusRegion } from "../dom.js";
import { form, inputs, showError } from "../forms.js";
import { takePassword } from "../pending-password.js";
import { navigate } from "../router.js";
import { startSession } from "../session.js";

// The code proves the mailbox, and the password sent with it becomes the account's: whoever reads the
// mail decides it, not whoever registered the address. Coming from the register (or login) page, the
// password just typed is sent along; otherwise the page asks for it.
export function verifyPage({ title, params }) {
  const email = params.get("email") ?? "";
  const handedOver = takePassword(email);
  const status = statusRegion();
  const verifyForm = form({
    label: title,
    submit: "Verify",
    fields: [
      inputs.email({ value: email }),
      inputs.code({ autofocus: true }),
      handedOver
        ? null
        : inputs.newPassword({ label: "Password", name: "password", hint: "The password for your account: the one you registered with, or a new one (8 to 128 characters)." }),
    ],
    fieldForCode: { invalid_code: "code", code_expired: "code" },
    async onSubmit(values) {
      const body = { email: values.email, code: values.code.trim(), password: handedOver ?? values.password };
      startSession(await request("POST", "/auth/verify", { body }));
      navigate("/account", { replace: true, notice: "Your email is verified. Welcome!" });
    },
  });
  const resend = h("button", { type: "button", class: "secondary" }, "Send a new code");
  resend.addEventListener("click", async () => {
    status.textContent = "";
    resend.disabled = true;
    try {
      const address = verifyForm.elements.namedItem("email").value;
      await request("POST", "/auth/verify/resend", { body: { email: address } });
      status.textContent = `If ${address} is waiting for verification, a new code is on its way (at most one a minute; the newest code is the one that works).`;
    } catch (err) {
      showError(verifyForm, err);
    } finally {
      resend.disabled = false;
    }
  });
  return h("section", {}, pageTitle(title), h("p", {}, "Enter the 6-digit code from the email we sent you."), verifyForm, h("p", {}, resend), status);
}
