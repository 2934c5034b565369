// The mail catcher's page: caught mail, newest first, plain-text bodies (where verification codes are).
import { escapeHtml } from "../../src/mail/escape-html";
import type { CaughtMessage } from "./mail-catcher";


function renderMessage(m: CaughtMessage): string {
  const body = m.text ?? (m.html === null ? "(no body)" : "(HTML only; see GET /api/messages)");
  return `<article>
<h2>${escapeHtml(m.subject)}</h2>
<p class="meta">to ${escapeHtml(m.to.join(", "))} · from ${escapeHtml(m.from)} · <time datetime="${escapeHtml(m.created_at)}">${escapeHtml(m.created_at)}</time></p>
<pre>${escapeHtml(body)}</pre>
</article>`;
}

export function renderMailPage(messages: readonly CaughtMessage[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="3">
<title>Mail catcher (${messages.length})</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
article { border: 1px solid #ccc; border-radius: 6px; padding: 0 1rem; margin: 1rem 0; }
h2 { font-size: 1.1rem; }
.meta { color: #555; font-size: .9rem; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .75rem; }
</style>
</head>
<body>
<h1>Mail catcher</h1>
<p>${messages.length} message(s), newest first. This page refreshes itself. JSON: <code>GET /api/messages?to=</code>; clear: <code>DELETE /api/messages</code>.</p>
${messages.length ? messages.map(renderMessage).join("\n") : "<p>No mail yet.</p>"}
</body>
</html>
`;
}
