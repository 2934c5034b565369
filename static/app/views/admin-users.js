import { h, formatDate, pageTitle, statusRegion, wrappableEmail } from "../dom.js";
import { confirmingButton, field, form, showError } from "../forms.js";
import { clientConfig } from "../client-config.js";
import { authed, currentUser } from "../session.js";

const DEFAULT_PAGE_SIZE = 20;

export function adminUsersPage({ title, params }) {
  const status = statusRegion();
  const tbody = h("tbody");
  const pager = h("div", { class: "actions pager" });
  // Cursors of the pages before this one, so "Previous" can go back through an opaque keyset cursor.
  const previous = [];
  // Search and page size live in the URL, so a reload or a shared link shows the same list.
  let query = params.get("q") ?? "";
  const pageSize = Math.min(100, Math.max(1, Number(params.get("limit")) || DEFAULT_PAGE_SIZE));
  let cursor = null;

  const searchForm = form({
    label: "Search users",
    submit: "Search",
    fields: [field({ label: "Search", name: "q", type: "search", hint: "Start of an email, username or name.", maxlength: 100 })],
    async onSubmit({ q }) {
      query = q.trim();
      previous.length = 0;
      cursor = null;
      const url = new URL(location.href);
      if (query) url.searchParams.set("q", query);
      else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      await load();
    },
  });
  searchForm.elements.namedItem("q").value = query;

  async function load() {
    const search = new URLSearchParams({ limit: String(pageSize) });
    if (query) search.set("q", query);
    if (cursor) search.set("cursor", cursor);
    const [page, { roles }] = await Promise.all([authed("GET", `/users?${search}`), clientConfig()]);
    tbody.replaceChildren(...(page.items.length ? page.items.map((user) => userRow(user, roles)) : [h("tr", {}, h("td", { colspan: "5" }, "No users match."))]));
    const back = h("button", { type: "button", class: "secondary", disabled: previous.length === 0 }, "Previous page");
    back.addEventListener("click", () => {
      cursor = previous.pop() ?? null;
      void load().catch(report);
    });
    const next = h("button", { type: "button", class: "secondary", disabled: !page.next_cursor }, "Next page");
    next.addEventListener("click", () => {
      previous.push(cursor);
      cursor = page.next_cursor;
      void load().catch(report);
    });
    pager.replaceChildren(back, next);
  }

  const report = (err) => showError(searchForm, err);

  function userRow(user, roles) {
    const isSelf = user.id === currentUser()?.id;
    const role = h(
      "select",
      { "aria-label": `Role of ${user.email}` },
      roles.map((r) => h("option", { value: r, selected: r === user.role }, r)),
    );
    role.addEventListener("change", async () => {
      status.textContent = "";
      try {
        await authed("PATCH", `/users/${user.id}`, { role: role.value });
        status.textContent = `${user.email} is now ${role.value}.`;
      } catch (err) {
        role.value = user.role;
        report(err);
      }
    });

    const remove = confirmingButton({
      label: "Delete",
      confirmLabel: "Confirm delete",
      name: `Delete ${user.email}`,
      confirmName: `Confirm deleting ${user.email}`,
      onError: report,
      async act() {
        status.textContent = "";
        await authed("DELETE", `/users/${user.id}`);
        await load();
        status.textContent = `${user.email} was deleted.`;
      },
    });
    // For a user who lost both the authenticator and the recovery codes; the worker logs who reset whom.
    const resetTwoFactor = confirmingButton({
      label: "Reset 2FA",
      confirmLabel: "Confirm reset",
      name: `Reset two-factor sign-in of ${user.email}`,
      confirmName: `Confirm resetting two-factor sign-in of ${user.email}`,
      onError: report,
      async act() {
        status.textContent = "";
        await authed("DELETE", `/users/${user.id}/totp`);
        await load();
        status.textContent = `Two-factor sign-in is off for ${user.email}.`;
      },
    });

    return h(
      "tr",
      { dataset: { userId: user.id } },
      h(
        "td",
        {},
        h("span", { class: "email" }, wrappableEmail(user.email)),
        user.email_verified ? null : h("span", { class: "badge muted" }, "unverified"),
        user.totp_enabled ? h("span", { class: "badge", title: "Signs in with an authenticator code after the password" }, "2FA") : null,
      ),
      h("td", {}, [user.full_name, user.username && `@${user.username}`].filter(Boolean).join(" · ") || "—"),
      h("td", {}, role),
      h("td", {}, formatDate(user.created_at)),
      h("td", { class: "row-actions" }, isSelf ? h("span", { class: "badge" }, "You") : [user.totp_enabled ? resetTwoFactor : null, remove]),
    );
  }

  const table = h(
    "table",
    { class: "users" },
    h("caption", { class: "sr-only" }, "Users"),
    h("thead", {}, h("tr", {}, ["Email", "Name", "Role", "Created", ""].map((label) => h("th", { scope: "col" }, label)))),
    tbody,
  );
  void load().catch(report);
  return h("section", {}, pageTitle(title), searchForm, status, h("div", { class: "table-wrap" }, table), pager);
}
