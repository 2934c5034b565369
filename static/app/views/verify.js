import { request } from "../api.js";
import { h, pageTitle, statusRegion } from "../dom.js";
import { form, inputs, showError } from "../forms.js";
import { navigate } from "../router.js";
import { startSession } from "../session.js";

export function verifyPage({ title, params }) {
  const email = params.get("email") ?? "";
  const status = statusRegion();
  const verifyForm = form({
    label: title,
    submit: "Verify",
    fields: [inputs.email({ value: email }), inputs.code({ autofocus: true })],
    fieldForCode: { invalid_code: "code", code_expired: "code" },
    async onSubmit(values) {
      startSession(await request("POST", "/auth/verify", { body: { email: values.email, code: values.code.trim() } }));
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
