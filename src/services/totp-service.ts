import type { ClientInfo, Deps } from "../context";
import { ADMIN_ROLE } from "../domain/roles";
import { AppError, retryAfter, sessionEnded } from "../errors";
import {
  changeWithSecondFactor,
  completeSecondStep,
  confirmEnrolment,
  findEnrolment,
  resetSecondFactor,
  startEnrolment,
  type FactorChange,
  type NewMfaTicket,
} from "../repositories/mfa-repository";
import type { AccessClaims } from "../security/access-token";
import { toBase32 } from "../security/base32";
import { keyedHash } from "../security/hmac";
import { randomToken } from "../security/random";
import { newRecoveryCodes, recoveryCodeHash } from "../security/recovery-codes";
import { openSecret, sealSecret } from "../security/secret-box";
import { matchTotp, newTotpSecret, otpauthUri, TOTP_WINDOW_STEPS, totpCodes, totpStep } from "../security/totp";
import { callerSession } from "./caller";
import { MFA_GUESS_LIMIT } from "./guessing-limits";
import { reauthenticate } from "./reauthenticate";
import { grantOf, issueTokens, PASSWORD_AND_OTP, prepareSession, type IssuedTokens } from "./session-tokens";

/** A ticket lives 5 minutes and takes 5 answers. */
export const MFA_TICKET_TTL_SECONDS = 5 * 60;
export const MFA_TICKET_MAX_ATTEMPTS = 5;
/** An enrolment started and not confirmed within this long must start again. */
export const TOTP_ENROLMENT_TTL_SECONDS = 15 * 60;

const TICKET = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;
const SIX_DIGITS = /^[0-9]{6}$/;

const stepHash = (tokenSecret: string, ticketId: string, step: number, code: string) =>
  keyedHash(tokenSecret, "totp-step", ticketId, String(step), code);
const ticketSecretHash = (tokenSecret: string, ticketId: string, secret: string) => keyedHash(tokenSecret, "mfa-ticket", ticketId, secret);

async function openUserSecret(deps: Deps, userId: string, sealed: string): Promise<Uint8Array> {
  const secret = await openSecret(deps.config.tokenSecret, "totp-secret", userId, sealed);
  if (!secret) {
    // TOKEN_SECRET changed, or the row was altered: the user cannot pass the second factor until an admin resets it.
    deps.log("error", "totp secret does not open", { user_id: userId });
    throw new AppError("internal_error");
  }
  return secret;
}

/**
 * The password step's ticket for a user with TOTP on: the codes of every step the ticket can be
 * answered in (one before now to one after its expiry), each as a keyed hash bound to the ticket and its
 * step, so the second step compares in the database without the secret and in one statement.
 */
export async function prepareMfaTicket(deps: Deps, userId: string, sealedSecret: string, client: ClientInfo) {
  const secret = await openUserSecret(deps, userId, sealedSecret);
  const now = deps.clock.now();
  const id = crypto.randomUUID();
  const ticketSecret = randomToken();
  const firstStep = totpStep(now) - TOTP_WINDOW_STEPS;
  const lastStep = totpStep(new Date(now.getTime() + MFA_TICKET_TTL_SECONDS * 1000)) + TOTP_WINDOW_STEPS;
  const codes = totpCodes(secret, firstStep, lastStep - firstStep + 1);
  const ticket: NewMfaTicket = {
    id,
    secretHash: ticketSecretHash(deps.config.tokenSecret, id, ticketSecret),
    firstStep,
    stepHashes: codes.map((code, i) => stepHash(deps.config.tokenSecret, id, firstStep + i, code)),
    createdAt: now,
    expiresAt: new Date(now.getTime() + MFA_TICKET_TTL_SECONDS * 1000),
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    ip: client.ip,
  };
  return { ticket, presented: `${userId}.${id}.${ticketSecret}` };
}

/** What the password step answers instead of tokens: the ticket, and how long it lives. */
export class MfaRequired extends AppError {
  constructor(readonly ticket: string) {
    super("mfa_required", undefined, { members: { mfa_ticket: ticket, expires_in: MFA_TICKET_TTL_SECONDS } });
  }
}

const invalidTicket = () => new AppError("invalid_mfa_ticket");

/** The account's budget of wrong second-factor answers is spent until `retryAt`. */
function tooManyWrongCodes(retryAt: Date, now: Date): AppError {
  const { seconds, headers } = retryAfter(retryAt, now);
  return new AppError("too_many_attempts", `Too many wrong codes for this account. Try again in ${seconds} seconds.`, { headers });
}

/**
 * The second step, one round trip: the ticket and a TOTP code (6 digits) or a recovery code. Opens the
 * session the ticket names; its tokens say `amr: ["pwd", "otp"]` either way (RFC 8176 has no value for
 * a recovery code, which is a one-time password too).
 */
export async function completeMfaLogin(deps: Deps, input: { ticket: string; code: string }, client: ClientInfo): Promise<IssuedTokens> {
  const m = TICKET.exec(input.ticket);
  if (!m) throw invalidTicket();
  const [, userId, ticketId, secret] = m as unknown as [string, string, string, string];
  const { tokenSecret } = deps.config;
  const now = deps.clock.now();
  const code = input.code.trim();
  const isTotp = SIX_DIGITS.test(code);
  const current = totpStep(now);
  const candidates: string[] = [];
  if (isTotp) for (let step = current - TOTP_WINDOW_STEPS; step <= current + TOTP_WINDOW_STEPS; step++) candidates.push(stepHash(tokenSecret, ticketId, step, code));
  const prepared = prepareSession(deps, client, PASSWORD_AND_OTP, ticketId);
  const outcome = await completeSecondStep(deps.db, {
    userId,
    ticketId,
    secretHash: ticketSecretHash(tokenSecret, ticketId, secret),
    candidates,
    recoveryHash: isTotp ? null : recoveryCodeHash(tokenSecret, userId, code),
    now,
    maxAttempts: MFA_TICKET_MAX_ATTEMPTS,
    budget: MFA_GUESS_LIMIT,
    session: prepared.session,
  });
  switch (outcome.kind) {
    case "signed_in":
      return issueTokens(deps, outcome.user, grantOf(prepared));
    case "invalid_ticket":
      throw invalidTicket();
    case "budget_spent":
      throw tooManyWrongCodes(outcome.retryAt, now);
    case "wrong_code":
      throw new AppError("invalid_code", "The code is not valid (or was already used). Try the next one from the app.");
  }
}

/** Enrolment, first step: a fresh secret, kept pending (sealed) until a code from it is confirmed. */
export async function startTotpEnrolment(deps: Deps, caller: AccessClaims, password: string, client: ClientInfo) {
  const user = await reauthenticate(deps, caller, password, client);
  const secret = newTotpSecret();
  const sealed = await sealSecret(deps.config.tokenSecret, "totp-secret", user.id, secret);
  const started = await startEnrolment(deps.db, { ...callerSession(deps, caller), sealedSecret: sealed });
  if (started === null) throw sessionEnded();
  if (started === "already_enabled") throw new AppError("totp_already_enabled");
  return { secret: toBase32(secret), otpauthUri: otpauthUri({ secret, issuer: deps.config.totpIssuer, account: user.email }) };
}

/** Enrolment, second step: a code from the new secret turns TOTP on; answers the recovery codes, once. */
export async function confirmTotpEnrolment(deps: Deps, caller: AccessClaims, code: string): Promise<string[]> {
  const session = callerSession(deps, caller);
  const state = await findEnrolment(deps.db, session);
  if (!state) throw sessionEnded();
  if (state.enabled) throw new AppError("totp_already_enabled");
  if (!state.pending_secret || !state.pending_at || state.pending_at.getTime() + TOTP_ENROLMENT_TTL_SECONDS * 1000 <= session.now.getTime()) {
    throw new AppError("totp_enrolment_expired");
  }
  const secret = await openUserSecret(deps, caller.sub, state.pending_secret);
  const step = matchTotp(secret, code, session.now);
  if (step === null) throw new AppError("invalid_code", "The code is not valid. Check the app's clock, and type the code it shows now.");
  const codes = newRecoveryCodes();
  const confirmed = await confirmEnrolment(deps.db, {
    ...session,
    pendingSecret: state.pending_secret,
    step,
    recoveryHashes: codes.map((c) => recoveryCodeHash(deps.config.tokenSecret, caller.sub, c)),
  });
  // Another request turned it on, restarted the enrolment, or the session ended, in between.
  if (!confirmed) throw new AppError("totp_enrolment_expired");
  return codes;
}

/**
 * Turning TOTP off or replacing the recovery codes: the password (checked and counted like a sign-in),
 * then a current code or an unused recovery code (checked once, against the account's budget of wrong
 * answers), then the change: two round trips, like every other re-authenticated change.
 */
async function withBothFactors(
  deps: Deps,
  caller: AccessClaims,
  input: { password: string; code: string },
  client: ClientInfo,
  then: FactorChange["then"],
): Promise<void> {
  const user = await reauthenticate(deps, caller, input.password, client);
  if (!user.totpSecret) throw new AppError("totp_not_enabled");
  const secret = await openUserSecret(deps, user.id, user.totpSecret);
  const session = callerSession(deps, caller);
  const code = input.code.trim();
  const isTotp = SIX_DIGITS.test(code);
  const outcome = await changeWithSecondFactor(deps.db, {
    ...session,
    sealedSecret: user.totpSecret,
    step: isTotp ? matchTotp(secret, code, session.now) : null,
    recoveryHash: isTotp ? null : recoveryCodeHash(deps.config.tokenSecret, user.id, code),
    budget: MFA_GUESS_LIMIT,
    then,
  });
  if (outcome === "done") return;
  // The session ended, or TOTP was turned off or reset in between.
  if (outcome === "gone") throw new AppError("totp_not_enabled");
  if (outcome === "wrong_code") throw new AppError("invalid_code", "The code is not valid (or was already used).");
  throw tooManyWrongCodes(outcome.retryAt, session.now);
}

export async function disableTotp(deps: Deps, caller: AccessClaims, input: { password: string; code: string }, client: ClientInfo): Promise<void> {
  await withBothFactors(deps, caller, input, client, { kind: "disable" });
}

/** New recovery codes (the old ones stop working); answered once. */
export async function regenerateRecoveryCodes(
  deps: Deps,
  caller: AccessClaims,
  input: { password: string; code: string },
  client: ClientInfo,
): Promise<string[]> {
  const codes = newRecoveryCodes();
  const recoveryHashes = codes.map((c) => recoveryCodeHash(deps.config.tokenSecret, caller.sub, c));
  await withBothFactors(deps, caller, input, client, { kind: "regenerate", recoveryHashes });
  return codes;
}

/** An admin turns a user's TOTP off (a lost phone and lost codes); the audit log names both, never a secret. */
export async function adminResetTotp(deps: Deps, admin: AccessClaims, targetId: string): Promise<void> {
  // From the token first, like the other admin operations; the statement checks the role again.
  if (admin.role !== ADMIN_ROLE) throw new AppError("forbidden");
  const outcome = await resetSecondFactor(deps.db, { ...callerSession(deps, admin), targetId });
  switch (outcome) {
    case "signed_out":
      throw sessionEnded();
    case "forbidden":
      throw new AppError("forbidden");
    case "not_found":
      throw new AppError("user_not_found");
    default:
      deps.log("warn", "audit: admin reset two-factor authentication", { admin_id: admin.sub, user_id: targetId, was_enabled: outcome === "reset" });
  }
}
