import { escapeHtml } from "./escape-html";
import type { MailMessage } from "./mailer";


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

function codeMail(to: string, subject: string, purpose: string, code: string, link: string, ttlMinutes: number, ignore: string): MailMessage {
  return message(to, `${subject}: ${code}`, [purpose, code, `It expires in ${ttlMinutes} minutes. Enter it at ${link}`, ignore], code);
}

export const verificationCodeMail = (to: string, code: string, appUrl: string, ttlMinutes: number) =>
  codeMail(to, "Your verification code", "Use this code to verify your email address:", code, `${appUrl}/verify`, ttlMinutes,
    "If you did not create an account, ignore this message; nothing happens without the code.");

export const passwordResetMail = (to: string, code: string, appUrl: string, ttlMinutes: number) =>
  codeMail(to, "Your password reset code", "Use this code to choose a new password:", code, `${appUrl}/reset-password`, ttlMinutes,
    "If you did not ask to reset your password, ignore this message; your password stays as it is.");

export const emailChangeCodeMail = (to: string, code: string, appUrl: string, ttlMinutes: number) =>
  codeMail(to, "Confirm your new email address", "Use this code to make this your account's email address:", code, `${appUrl}/account/email`, ttlMinutes,
    "If you did not ask for this, ignore this message; nothing changes without the code.");

/** To the current address when someone asks to move the account to another one. */
export function emailChangeRequestedMail(to: string, newEmail: string, appUrl: string): MailMessage {
  return message(to, "A change of your account's email address was requested", [
    `Someone signed in to your account asked to change its email address to ${newEmail}.`,
    "The change only happens once the code we sent to the new address is entered.",
    `If this was not you, change your password now at ${appUrl}/account/password and sign out your other sessions.`,
  ]);
}

/** To an address that already has an account, instead of a code, when another account asks to move to it. */
export function emailInUseMail(to: string, appUrl: string): MailMessage {
  return message(to, "Someone tried to move an account to your email address", [
    "Somebody signed in to another account asked to change its email address to this one, which already has an account.",
    "Nothing changed, and no code was sent: an address can belong to one account only.",
    `If you want to sign in, go to ${appUrl}/login.`,
  ]);
}

/** To the old address once the change is done, so a hijack cannot go unnoticed. */
export function emailChangedMail(to: string, newEmail: string, appUrl: string): MailMessage {
  return message(to, "Your account's email address was changed", [
    `Your account now uses ${newEmail}; this address no longer signs in.`,
    `If this was not you, reset your password at ${appUrl}/forgot-password using the new address, or contact support.`,
  ]);
}

export function passwordChangedMail(to: string, appUrl: string): MailMessage {
  return message(to, "Your password was changed", [
    "The password of your account was just changed, and your other sessions were signed out.",
    `If this was not you, reset it at ${appUrl}/forgot-password.`,
  ]);
}

/** Sent instead of a code when someone registers with an address that already has an account. */
export function alreadyRegisteredMail(to: string, appUrl: string): MailMessage {
  return message(to, "Someone tried to register with your email address", [
    "Somebody (perhaps you) tried to create an account with this email address, which already has one.",
    `If it was you, sign in at ${appUrl}/login, or reset your password at ${appUrl}/forgot-password.`,
    "If it was not you, you can ignore this message: your account is unchanged.",
  ]);
}
