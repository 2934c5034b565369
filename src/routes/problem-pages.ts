import { Hono } from "hono";
import { PROBLEMS, type ProblemCode } from "../domain/problems";
import type { AppEnv } from "../http/app-env";
import { PROBLEM_TYPE_PATH } from "../http/paths";
import { problemTitle } from "../http/problem";
import { escapeHtml } from "../mail/escape-html";

// A problem's `type` (RFC 9457 §3.1.1) is /problems/<code>: these pages are what it resolves to, written
// from the catalogue, so a code, its status and its sentence are never spelled twice.

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;

const describe = (code: ProblemCode) => {
  const { status, detail } = PROBLEMS[code];
  return `<h1><code>${code}</code></h1><p>HTTP ${status} ${escapeHtml(problemTitle(status))}.</p><p>${escapeHtml(detail)}</p>`;
};

const isCode = (code: string): code is ProblemCode => Object.hasOwn(PROBLEMS, code);

export const problemPages = new Hono<AppEnv>();

problemPages.get(PROBLEM_TYPE_PATH, (c) =>
  c.html(
    page(
      "Problem codes",
      `<h1>Problem codes</h1><p>Every error the Accounts API answers is an RFC 9457 problem whose <code>code</code> is one of these; <code>type</code> links here.</p><dl>${(Object.keys(PROBLEMS) as ProblemCode[])
        .map((code) => `<dt><a href="${PROBLEM_TYPE_PATH}/${code}"><code>${code}</code></a> (${PROBLEMS[code].status})</dt><dd>${escapeHtml(PROBLEMS[code].detail)}</dd>`)
        .join("")}</dl>`,
    ),
  ),
);

problemPages.get(`${PROBLEM_TYPE_PATH}/:code`, (c) => {
  const code = c.req.param("code");
  if (!isCode(code)) return c.notFound();
  return c.html(page(code, `${describe(code)}<p><a href="${PROBLEM_TYPE_PATH}">All problem codes</a></p>`));
});
