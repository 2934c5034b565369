import { h, pageTitle } from "../dom.js";

export function notFoundPage({ title }) {
  return h("section", {}, pageTitle(title), h("p", {}, "There is nothing here. ", h("a", { href: "/" }, "Go to the start page"), "."));
}
