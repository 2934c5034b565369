// Forms: labelled inputs, one submit handler, and the server's problem+json shown where it belongs:
// field errors under their inputs, everything else in an alert at the top; focus goes to the first one.
import { ApiError } from "./api.js";
import { h, uid } from "./dom.js";

/**
 * A labelled input with a slot for its error message.
 * field({ label: "Email", name: "email", type: "email", autocomplete: "email", required: true })
 */
export function field({ label, name, type = "text", hint, optional = false, ...attrs }) {
  const id = uid(name);
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  const errorEl = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const input = h("input", {
    id,
    name,
    type,
    "aria-describedby": [hintEl?.id, errorEl.id].filter(Boolean).join(" "),
    ...attrs,
  });
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label, optional ? h("span", { class: "optional" }, " (optional)") : null),
    input,
    hintEl,
    errorEl,
  );
}

/** Common inputs, named as the API names them. */
export const inputs = {
  email: (props = {}) => field({ label: "Email", name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254, ...props }),
  password: (props = {}) =>
    field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", required: true, ...props }),
  newPassword: (props = {}) =>
    field({
      label: "New password",
      name: "new_password",
      type: "password",
      autocomplete: "new-password",
      required: true,
      minlength: 8,
      maxlength: 128,
      hint: "8 to 128 characters.",
      ...props,
    }),
  code: (props = {}) =>
    field({
      label: "6-digit code",
      name: "code",
      autocomplete: "one-time-code",
      inputmode: "numeric",
      pattern: "[0-9]{6}",
      maxlength: 6,
      required: true,
      hint: "From the email we sent you.",
      ...props,
    }),
  /** A code from an authenticator app (or, where `recovery` is set, one of the recovery codes). */
  authenticatorCode: ({ recovery = false, ...props } = {}) =>
    field({
      label: recovery ? "Authenticator or recovery code" : "Authenticator code",
      name: "code",
      autocomplete: "one-time-code",
      inputmode: recovery ? "text" : "numeric",
      autocapitalize: "none",
      maxlength: recovery ? 24 : 6,
      required: true,
      hint: recovery ? "6 digits from your authenticator app, or one of your recovery codes." : "6 digits from your authenticator app.",
      ...props,
    }),
};

/**
 * A form that calls `onSubmit(values)` (a plain object of its inputs) and shows what went wrong.
 * `fieldForCode` puts errors that are about one input, but come without field details, under it:
 * e.g. { username_taken: "username", invalid_code: "code" }.
 */
export function form({ label, submit, fields, onSubmit, fieldForCode = {}, extra = [], danger = false, secondary = false }) {
  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
  // `secondary`: a second way to do what the page's main form does, drawn quieter than it.
  const button = h("button", { type: "submit", class: danger ? "danger" : secondary ? "secondary" : "primary" }, submit);
  const el = h("form", { "aria-label": label, novalidate: true }, alert, fields, h("div", { class: "actions" }, button, extra));
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(el);
    // An empty required input is said here, in words about that input, before anything is sent: the
    // server would judge the empty value by its format ("not a valid email address").
    const missing = missingRequired(el);
    if (missing.size) {
      markFields(el, missing);
      return focusFirstProblem(el);
    }
    button.disabled = true;
    el.setAttribute("aria-busy", "true");
    try {
      await onSubmit(valuesOf(el), el);
    } catch (err) {
      showError(el, err, fieldForCode);
    } finally {
      button.disabled = false;
      el.removeAttribute("aria-busy");
    }
  });
  return el;
}

/** Each required input left empty → "<its label> is required." */
function missingRequired(formEl) {
  const missing = new Map();
  for (const input of formEl.querySelectorAll("input[required]")) {
    if (input.value === "") missing.set(input.name, `${input.labels[0]?.textContent ?? "This field"} is required.`);
  }
  return missing;
}

function valuesOf(formEl) {
  const values = {};
  for (const [name, value] of new FormData(formEl)) values[name] = typeof value === "string" ? value : "";
  return values;
}

export function clearErrors(formEl) {
  const alert = formEl.querySelector(".form-alert");
  if (!alert) return;
  alert.hidden = true;
  alert.replaceChildren();
  for (const input of formEl.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const error of formEl.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
}

/**
 * Shows an error in a form (or any element holding a .form-alert); anything that is not an ApiError is
 * reported plainly.
 */
export function showError(formEl, err, fieldForCode = {}) {
  clearErrors(formEl);
  if (!(err instanceof ApiError)) {
    console.error(err);
    err = new ApiError(0, { detail: "Something went wrong in this page. Please reload and try again." });
  }
  const perField = new Map(err.fieldErrors);
  const codeField = fieldForCode[err.code];
  if (codeField && !perField.has(codeField)) perField.set(codeField, err.message);
  const { shown, unplaced } = markFields(formEl, perField);

  // The alert carries the server's detail unless the only problem is already shown under its input.
  const alert = formEl.querySelector(".form-alert");
  const onlyFieldLevel = shown.length > 0 && unplaced.length === 0 && (codeField || err.status === 422);
  if (!onlyFieldLevel || unplaced.length) {
    const wait = err.retryAfter ? ` Try again in ${describeSeconds(err.retryAfter)}.` : "";
    alert.append(h("p", {}, err.message + wait));
    if (unplaced.length) alert.append(h("ul", {}, unplaced.map((text) => h("li", {}, text))));
    alert.hidden = false;
  }
  focusFirstProblem(formEl);
}

/** Puts each message under its input; returns the inputs marked, and "name: message" for any not found. */
function markFields(formEl, perField) {
  const shown = [];
  const unplaced = [];
  for (const [name, message] of perField) {
    const input = formEl.elements?.namedItem(name);
    if (!(input instanceof HTMLElement)) {
      unplaced.push(`${name}: ${message}`);
      continue;
    }
    input.setAttribute("aria-invalid", "true");
    const error = document.getElementById(`${input.id}-error`);
    error.textContent = message;
    error.hidden = false;
    shown.push(input);
  }
  return { shown, unplaced };
}

// The first problem in reading order gets focus, so keyboard and screen-reader users land on it.
function focusFirstProblem(formEl) {
  (formEl.querySelector('[aria-invalid="true"]') ?? formEl.querySelector(".form-alert")).focus();
}

function describeSeconds(seconds) {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** Sets an input's value (forms are built empty; pages prefill from the user or the URL). */
export function setValue(formEl, name, value) {
  const input = formEl.elements.namedItem(name);
  if (input) input.value = value ?? "";
}

/**
 * A destructive action takes two clicks: the first turns the button into its confirmation, the second
 * runs `act`. A failure gives the button back and goes to `onError`. `name`/`confirmName` are the
 * accessible names, which say what is acted on ("Delete ada@example.com").
 */
export function confirmingButton({ label, confirmLabel, name, confirmName, act, onError }) {
  const button = h("button", { type: "button", class: "danger", "aria-label": name }, label);
  button.addEventListener("click", async () => {
    if (!button.dataset.armed) {
      button.dataset.armed = "true";
      button.textContent = confirmLabel;
      button.setAttribute("aria-label", confirmName);
      return;
    }
    button.disabled = true;
    try {
      await act();
    } catch (err) {
      button.disabled = false;
      onError(err);
    }
  });
  return button;
}
