import type { MailMessage } from "./mailer";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** Every message has the same plain-text and HTML content; the HTML is built from escaped paragraphs. */
function message(to: string, subject: string, paragraphs: string[], code?: string): MailMessage {
  const text = [...paragraphs, ""].join("\n\n");
  const html = [
    "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5\">",
    ...paragraphs.map((p) =>
      code && p.includes(code)
        ? `<p style="font-size:1.6em;letter-spacing:.2em;font-weight:bold">${escapeHtml(code)}</p>`
        : `<p>${escapeHtml(p)}</p>`,
    ),
    "</body></html>",
  ].join("");
  return { to, subject, text, html };
}

export function verificationCodeMail(to: string, code: string, appUrl: string, ttlMinutes: number): MailMessage {
  return message(
    to,
    `Your verification code: ${code}`,
    [
      "Use this code to verify your email address:",
      code,
      `It expires in ${ttlMinutes} minutes. Enter it at ${appUrl}/verify`,
      "If you did not create an account, ignore this message; nothing happens without the code.",
    ],
    code,
  );
}

/** Sent instead of a code when someone registers with an address that already has an account. */
export function alreadyRegisteredMail(to: string, appUrl: string): MailMessage {
  return message(to, "Someone tried to register with your email address", [
    "Somebody (perhaps you) tried to create an account with this email address, which already has one.",
    `If it was you, sign in at ${appUrl}/login, or reset your password at ${appUrl}/forgot-password.`,
    "If it was not you, you can ignore this message: your account is unchanged.",
  ]);
}
