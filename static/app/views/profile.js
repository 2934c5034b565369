import { h, formatDate, pageTitle, statusRegion } from "../dom.js";
import { field, form, setValue } from "../forms.js";
import { authed, currentUser, updateUser } from "../session.js";

export function profilePage({ title }) {
  const user = currentUser();
  const status = statusRegion();
  const details = h("dl", { class: "details" });
  const showDetails = (u) =>
    details.replaceChildren(
      ...[
        ["Email", `${u.email}${u.email_verified ? " (verified)" : " (not verified)"}`],
        ["Role", u.role],
        ["Member since", formatDate(u.created_at)],
      ].flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
    );
  showDetails(user);

  const profileForm = form({
    label: "Edit profile",
    submit: "Save profile",
    fields: [
      field({ label: "Full name", name: "full_name", autocomplete: "name", maxlength: 100, optional: true }),
      field({ label: "Username", name: "username", autocomplete: "username", maxlength: 32, optional: true, hint: "3 to 32 letters, digits, '_', '.' or '-'." }),
    ],
    fieldForCode: { username_taken: "username" },
    async onSubmit({ full_name, username }) {
      status.textContent = "";
      // An emptied field clears the value on the server.
      const updated = await authed("PATCH", "/users/me", {
        full_name: full_name.trim() ? full_name : null,
        username: username.trim() ? username.trim() : null,
      });
      updateUser(updated);
      showDetails(updated);
      status.textContent = "Profile saved.";
    },
  });
  setValue(profileForm, "full_name", user.full_name);
  setValue(profileForm, "username", user.username);

  return h(
    "section",
    {},
    pageTitle(title),
    details,
    h("h2", {}, "Edit profile"),
    profileForm,
    status,
    h("h2", {}, "Security"),
    h(
      "ul",
      { class: "links" },
      h("li", {}, h("a", { href: "/account/password" }, "Change password")),
      h("li", {}, h("a", { href: "/account/email" }, "Change email address")),
      h("li", {}, h("a", { href: "/account/two-factor" }, "Two-factor sign-in")),
      h("li", {}, h("a", { href: "/account/passkeys" }, "Passkeys")),
      h("li", {}, h("a", { href: "/account/sessions" }, "Sessions and devices")),
      h("li", {}, h("a", { href: "/account/delete", class: "danger-link" }, "Delete account")),
    ),
  );
}
