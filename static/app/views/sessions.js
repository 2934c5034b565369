import { h, formatDate, pageTitle, statusRegion } from "../dom.js";
import { showError } from "../forms.js";
import { authed, signOut } from "../session.js";

// "Chrome on Linux" is easier to recognise than a raw User-Agent string.
function describeAgent(ua) {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : null;
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? ua.slice(0, 60);
}

export function sessionsPage({ title }) {
  const status = statusRegion();
  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
  const list = h("ul", { class: "sessions", "aria-label": "Sessions" }, h("li", {}, "Loading…"));

  // The page's own alert shows failures (showError finds it in the section).
  const report = (err) => showError(container, err);

  async function load() {
    try {
      const sessions = await authed("GET", "/sessions");
      list.replaceChildren(...sessions.map(sessionItem));
      othersButton.disabled = sessions.length < 2;
    } catch (err) {
      report(err);
    }
  }

  function sessionItem(s) {
    const revoke = s.current
      ? h("span", { class: "badge" }, "This device")
      : h("button", { type: "button", class: "secondary", "aria-label": `Revoke ${describeAgent(s.user_agent)}, signed in ${formatDate(s.created_at)}` }, "Revoke");
    if (!s.current) {
      revoke.addEventListener("click", async () => {
        revoke.disabled = true;
        try {
          await authed("DELETE", `/sessions/${s.id}`);
          await load();
          status.textContent = "Session revoked.";
        } catch (err) {
          revoke.disabled = false;
          report(err);
        }
      });
    }
    return h(
      "li",
      { class: s.current ? "session current" : "session", dataset: { sessionId: s.id } },
      h("div", { class: "session-main" }, h("strong", {}, describeAgent(s.user_agent)), " ", revoke),
      h("div", { class: "session-meta" }, `IP ${s.ip ?? "unknown"} · signed in ${formatDate(s.created_at)} · last active ${formatDate(s.last_used_at)}`),
    );
  }

  const othersButton = h("button", { type: "button", class: "secondary" }, "Sign out all other sessions");
  othersButton.addEventListener("click", async () => {
    othersButton.disabled = true;
    try {
      await authed("DELETE", "/sessions");
      await load();
      status.textContent = "All other sessions were signed out.";
    } catch (err) {
      report(err);
    }
  });
  const everywhereButton = h("button", { type: "button", class: "danger" }, "Sign out everywhere");
  everywhereButton.addEventListener("click", () => void signOut("/auth/logout/all").catch(report));

  const container = h(
    "section",
    {},
    pageTitle(title),
    alert,
    h("p", {}, "Every place you are signed in. Revoke any you do not recognise."),
    list,
    status,
    h("div", { class: "actions" }, othersButton, everywhereButton),
  );
  void load();
  return container;
}
