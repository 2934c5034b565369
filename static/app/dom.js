// Builds DOM nodes. Text always goes in as text nodes, never as HTML, so nothing the server or a user
// sends can become markup.

/**
 * h("button", { class: "primary", type: "submit", onclick: fn }, "Save")
 * Props starting with "on" become listeners; `false`/`null` props are left out; children may be
 * strings, nodes, arrays or null.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof el[key] !== "string" && key !== "value") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let nextId = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix) => `${prefix}-${++nextId}`;

/** A page heading that takes focus after navigation, so screen readers announce the new page. */
export const pageTitle = (text) => h("h1", { tabindex: "-1" }, text);

/** A polite live region for success messages ("Saved."). */
export const statusRegion = () => h("p", { class: "status", role: "status", "aria-live": "polite" });

/**
 * An email address as text that may wrap after its "@" and dots (a <wbr> after each), never inside a
 * name: "ada.lovelace@example.com" can become "ada.lovelace@" and "example.com" on a narrow screen.
 */
export const wrappableEmail = (email) => email.split(/(?<=[@.])/).flatMap((part, i) => (i === 0 ? [part] : [h("wbr"), part]));

export function formatDate(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
