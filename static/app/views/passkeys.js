import { formatDate, h, pageTitle, replaceChildren, statusRegion } from "../dom.js";
import { confirmingButton, field, form, inputs, showError } from "../forms.js";
import { authed } from "../session.js";
import { createPasskey, passkeysSupported, usePasskey } from "../webauthn.js";

const BASE = "/users/me/passkeys";

const nameField = (props) => field({ label: "Name", name: "name", maxlength: 64, autocomplete: "off", ...props });

export function passkeysPage({ title }) {
  const status = statusRegion();
  const listHeading = h("h2", { tabindex: "-1" }, "Your passkeys");
  const list = h("ul", { class: "passkeys", "aria-label": "Passkeys" }, h("li", {}, "Loading…"));
  // The list's own alert, for what fails outside a form (loading, removing); showError finds it here.
  const listBox = h("div", {}, h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true }), list);
  const adding = h("div", {});

  const report = (err) => {
    showError(listBox, err);
    // Removed meanwhile (in another tab): the list is out of date.
    if (err.code === "passkey_not_found") void load();
  };

  async function load() {
    try {
      const { items } = await authed("GET", BASE);
      list.replaceChildren(...(items.length ? items.map(passkeyItem) : [h("li", {}, "No passkeys yet.")]));
      // Offered once there is a passkey to confirm with.
      hasPasskeys = items.length > 0;
      replaceChildren(confirmSlot, hasPasskeys ? confirmWithPasskey : null);
    } catch (err) {
      showError(listBox, err);
    }
  }

  function passkeyItem(passkey) {
    const row = h("li", { class: "passkey", dataset: { passkeyId: passkey.id } });
    const rename = h("button", { type: "button", class: "secondary", "aria-label": `Rename ${passkey.name}`, onclick: () => editName() }, "Rename");
    const remove = confirmingButton({
      label: "Remove",
      confirmLabel: "Confirm remove",
      name: `Remove ${passkey.name}`,
      confirmName: `Confirm removing ${passkey.name}`,
      onError: report,
      async act() {
        status.textContent = "";
        await authed("DELETE", `${BASE}/${passkey.id}`);
        await load();
        status.textContent = `Passkey “${passkey.name}” removed; it signs you in no more. Your device may still list it: delete it there too.`;
        listHeading.focus();
      },
    });
    // The authenticator's backup flag: a synced passkey survives the loss of this device.
    const synced = passkey.backed_up
      ? h("span", { class: "badge", title: "Backed up by your password manager or cloud account, so your other devices can use it too" }, "synced")
      : null;
    const showDetails = () =>
      replaceChildren(
        row,
        h(
          "div",
          { class: "passkey-main" },
          h("span", {}, h("strong", { class: "passkey-name" }, passkey.name), " ", synced),
          h("span", { class: "row-actions" }, rename, remove),
        ),
        h("div", { class: "passkey-meta" }, `Added ${formatDate(passkey.created_at)} · last used ${passkey.last_used_at ? formatDate(passkey.last_used_at) : "never"}`),
      );

    function editName() {
      const cancel = h("button", { type: "button", onclick: () => { showDetails(); rename.focus(); } }, "Cancel");
      const nameForm = form({
        label: `Rename ${passkey.name}`,
        submit: "Save name",
        fields: [nameField({ value: passkey.name, required: true, autofocus: true })],
        extra: [cancel],
        async onSubmit({ name }) {
          status.textContent = "";
          const renamed = await authed("PATCH", `${BASE}/${passkey.id}`, { name: name.trim() });
          // A new row: the buttons' accessible names carry the name.
          const renamedRow = passkeyItem(renamed);
          row.replaceWith(renamedRow);
          renamedRow.querySelector("button").focus();
          status.textContent = `Renamed to “${renamed.name}”.`;
        },
      });
      replaceChildren(row, nameForm);
      nameForm.querySelector("input").focus();
    }

    showDetails();
    return row;
  }

  const show = (...children) => {
    replaceChildren(adding, ...children);
    adding.querySelector("[autofocus]")?.focus();
  };

  /**
   * The password again (as for every sensitive change) and a name, then the browser's own dialog, and the
   * passkey is saved at once: asked after the dialog, a name left unsent would leave a passkey on the
   * device that the account never kept (and the challenge lives only 5 minutes).
   */
  function startView() {
    if (!passkeysSupported()) {
      return h("p", { class: "notice" }, "This browser cannot make or use passkeys. Open this page in a current browser on a device with a screen lock, or with a password manager that keeps passkeys.");
    }
    return form({
      label: "Add a passkey",
      submit: "Add a passkey",
      fields: [
        inputs.password({ hint: "Your password, to confirm it is you. Then your browser asks where to keep the passkey." }),
        nameField({ optional: true, hint: "To tell it from your others, e.g. “Work laptop” or “Phone”. Up to 64 characters." }),
      ],
      fieldForCode: { invalid_password: "password" },
      onSubmit: ({ password, name }) => addPasskey({ password }, name),
    });
  }

  /** Instead of the password: one of the account's passkeys, picked in the browser's dialog. */
  function passkeyConfirmationView(nameOf) {
    const confirmForm = form({
      label: "Confirm with a passkey",
      submit: "Confirm with a passkey instead",
      secondary: true,
      fields: [h("p", { class: "hint" }, "No password at hand? One of your passkeys can confirm it is you; then the browser makes the new one.")],
      onSubmit: async () => addPasskey({ credential: await usePasskey() }, nameOf()),
    });
    return confirmForm;
  }

  /** The confirmation, then the browser's dialog, then the passkey kept under `name` (or a default). */
  async function addPasskey(confirmation, name) {
    status.textContent = "";
    const options = await authed("POST", `${BASE}/options`, confirmation);
    const credential = await createPasskey(options);
    const added = await authed("POST", BASE, { credential, name: name.trim() || undefined });
    showAdding();
    await load();
    status.textContent = `Passkey “${added.name}” added. You can sign in with it now.`;
    listHeading.focus();
  }

  let confirmWithPasskey = null;
  let hasPasskeys = false;
  const confirmSlot = h("div", {});
  function showAdding() {
    const start = startView();
    confirmWithPasskey = passkeysSupported() ? passkeyConfirmationView(() => start.querySelector("input[name=name]")?.value ?? "") : null;
    replaceChildren(confirmSlot, hasPasskeys ? confirmWithPasskey : null);
    show(start, confirmSlot);
  }

  showAdding();
  void load();
  return h(
    "section",
    {},
    pageTitle(title),
    status,
    h("p", {}, "A passkey signs you in with your fingerprint, face, PIN or screen lock instead of your password, with no two-factor code to type. Your device, phone or password manager keeps it; this service keeps only its public key."),
    listHeading,
    listBox,
    h("h2", {}, "Add a passkey"),
    adding,
    h("p", {}, h("a", { href: "/account" }, "Back to your profile")),
  );
}
