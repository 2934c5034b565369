// History-API routing: paths map to pages; same-origin links are followed without a reload. The worker's
// static assets answer every unknown path with index.html, so a deep link or a reload lands here too.

const routes = new Map();
let renderPage = () => {};

/**
 * route("/account", { title: "Your profile", access: "user", page: profilePage })
 * access: "guest" (signed-out only), "user", "admin" or "any".
 */
export function route(path, definition) {
  routes.set(path, definition);
}

export const findRoute = (path) => routes.get(path) ?? null;

/** Goes to a path inside the app. `notice` is a message the next page shows once (e.g. "Signed out."). */
export function navigate(to, { replace = false, notice = null } = {}) {
  const state = notice ? { notice } : null;
  if (replace) history.replaceState(state, "", to);
  else history.pushState(state, "", to);
  renderPage();
}

/** The notice handed to this page by navigate(), shown once. */
export function takeNotice() {
  const notice = history.state?.notice ?? null;
  if (notice) history.replaceState(null, "", location.href);
  return notice;
}

export function startRouter(render) {
  renderPage = render;
  window.addEventListener("popstate", () => renderPage());
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || !routes.has(url.pathname)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  renderPage();
}
