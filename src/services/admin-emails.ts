import type { Deps } from "../context";

/** ADMIN_EMAILS grants admin only where the mailbox was just proven: verification, reset, email change. */
export const isAdminEmail = (deps: Deps, email: string): boolean => deps.config.adminEmails.includes(email);
