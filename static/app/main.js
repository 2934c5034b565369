// The app's entry: restores the session from the refresh cookie, then draws the page for the URL.
import { clientConfig } from "./client-config.js";
import { h, replaceChildren } from "./dom.js";
import { findRoute, navigate, route, startRouter, takeNotice } from "./router.js";
import { currentUser, isAdmin, onSessionChange, restoreSession, signOut } from "./session.js";
import { adminUsersPage } from "./views/admin-users.js";
import { deleteAccountPage } from "./views/delete-account.js";
import { emailPage } from "./views/email.js";
import { forbiddenPage } from "./views/forbidden.js";
import { forgotPasswordPage } from "./views/forgot-password.js";
import { loginPage } from "./views/login.js";
import { notFoundPage } from "./views/not-found.js";
import { passkeysPage } from "./views/passkeys.js";
import { passwordPage } from "./views/password.js";
import { profilePage } from "./views/profile.js";
import { registerPage } from "./views/register.js";
import { resetPasswordPage } from "./views/reset-password.js";
import { sessionsPage } from "./views/sessions.js";
import { twoFactorPage } from "./views/two-factor.js";
import { verifyPage } from "./views/verify.js";

route("/login", { title: "Sign in", access: "guest", page: loginPage });
route("/register", { title: "Create an account", access: "guest", page: registerPage });
route("/verify", { title: "Verify your email", access: "any", page: verifyPage });
route("/forgot-password", { title: "Forgot your password?", access: "any", page: forgotPasswordPage });
route("/reset-password", { title: "Choose a new password", access: "any", page: resetPasswordPage });
route("/account", { title: "Your profile", access: "user", page: profilePage });
route("/account/password", { title: "Change password", access: "user", page: passwordPage });
route("/account/email", { title: "Change email", access: "user", page: emailPage });
route("/account/sessions", { title: "Your sessions", access: "user", page: sessionsPage });
route("/account/two-factor", { title: "Two-factor sign-in", access: "user", page: twoFactorPage });
route("/account/passkeys", { title: "Passkeys", access: "user", page: passkeysPage });
route("/account/delete", { title: "Delete account", access: "user", page: deleteAccountPage });
route("/admin/users", { title: "Users", access: "admin", page: adminUsersPage });

const main = document.getElementById("main");
const nav = document.getElementById("nav");

// Why a session ended, said on the sign-in page it leads to.
const ENDED = {
  "signed-out": "You are signed out.",
  expired: "Your session has ended. Please sign in again.",
  deleted: "Your account was deleted.",
};

function render() {
  // A redirect passes on a notice meant for the page it replaces.
  const redirect = (to) => navigate(to, { replace: true, notice: history.state?.notice ?? null });
  if (location.pathname === "/") return redirect(currentUser() ? "/account" : "/login");
  const definition = findRoute(location.pathname);
  const user = currentUser();
  if (definition?.access === "guest" && user) return redirect("/account");
  if ((definition?.access === "user" || definition?.access === "admin") && !user) {
    return redirect(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  renderNav();
  const notice = takeNotice();
  const page = !definition
    ? { title: "Page not found", page: notFoundPage }
    : definition.access === "admin" && !isAdmin()
      ? { title: "Admins only", page: forbiddenPage }
      : definition;
  document.title = `${page.title} · Accounts`;
  const params = new URLSearchParams(location.search);
  replaceChildren(main, notice ? h("p", { class: "notice", role: "status" }, notice) : null, page.page({ title: page.title, params }));
  // A form page puts the cursor in its first field; any other page focuses its heading, so screen
  // readers announce the new page either way.
  (main.querySelector("[autofocus]") ?? main.querySelector("h1") ?? main).focus();
}

function renderNav() {
  const user = currentUser();
  const link = (href, text) => h("a", { href, "aria-current": location.pathname === href ? "page" : null }, text);
  const items = user
    ? [
        link("/account", "Profile"),
        link("/account/sessions", "Sessions"),
        isAdmin() ? link("/admin/users", "Users") : null,
        h("button", { type: "button", class: "link", onclick: () => void signOut().catch(() => {}) }, "Sign out"),
      ]
    : [link("/login", "Sign in"), link("/register", "Create account")];
  replaceChildren(nav, items);
}

onSessionChange((user, reason) => {
  if (user) return renderNav();
  // An ended session brings the person back to where they were once they sign in again.
  const next = reason === "expired" ? `?next=${encodeURIComponent(location.pathname + location.search)}` : "";
  navigate(`/login${next}`, { notice: ENDED[reason] ?? null });
});

async function showDevBanner() {
  try {
    const config = await clientConfig();
    if (!config.mail_catcher_url) return;
    const banner = document.getElementById("dev-banner");
    replaceChildren(
      banner,
      "Local development: mail is not sent, it is caught. Read your codes in the ",
      h("a", { href: config.mail_catcher_url, target: "_blank", rel: "noopener" }, "mail catcher"),
      ".",
    );
    banner.hidden = false;
  } catch {
    // Only a convenience; the app works without it.
  }
}

void showDevBanner();
const restoreError = await restoreSession();
if (restoreError) {
  // Shown once, on whichever page comes first; reloading tries again.
  history.replaceState({ notice: `Could not check whether you are signed in: ${restoreError.message} Reload the page to try again.` }, "", location.href);
}
startRouter(render);
