import { request } from "../api.js";
import { h, pageTitle } from "../dom.js";
import { field, form, inputs } from "../forms.js";
import { handOverPassword } from "../pending-password.js";
import { navigate } from "../router.js";
import { signIn } from "../session.js";

export function registerPage({ title }) {
  const registerForm = form({
    label: title,
    submit: "Create account",
    fields: [
      inputs.email({ autofocus: true }),
      inputs.newPassword({ label: "Password", name: "password" }),
      field({ label: "Full name", name: "full_name", autocomplete: "name", optional: true, maxlength: 100 }),
      field({
        label: "Username",
        name: "username",
        autocomplete: "username",
        optional: true,
        maxlength: 32,
        hint: "3 to 32 letters, digits, '_', '.' or '-'.",
      }),
    ],
    fieldForCode: { username_taken: "username", email_taken: "email" },
    async onSubmit({ email, password, full_name, username }) {
      const body = { email, password };
      if (full_name.trim()) body.full_name = full_name;
      if (username.trim()) body.username = username.trim();
      const result = await request("POST", "/auth/register", { body });
      if (result?.user) {
        // No code to wait for (verification is off): the account is active, and the password just chosen
        // signs it in, as the person expects after creating it.
        try {
          await signIn(email, password);
        } catch {
          // The account exists all the same; the sign-in page says what is wrong if it happens again there.
          navigate(`/login?email=${encodeURIComponent(email)}`, { notice: "Your account is ready. Sign in." });
          return;
        }
        navigate("/account", { replace: true, notice: "Your account is ready. Welcome!" });
      } else {
        handOverPassword(email, password);
        navigate(`/verify?email=${encodeURIComponent(email)}`, {
          notice: `We sent a 6-digit code to ${email}. Enter it below to finish.`,
        });
      }
    },
  });
  return h("section", {}, pageTitle(title), registerForm, h("p", {}, "Have an account? ", h("a", { href: "/login" }, "Sign in"), "."));
}
