import { h, pageTitle } from "../dom.js";

export function forbiddenPage({ title }) {
  return h("section", {}, pageTitle(title), h("p", {}, "This page is for admins. ", h("a", { href: "/account" }, "Back to your profile"), "."));
}
