// Who is signed in. The access token lives only in this module's memory (never in storage a script
// could read later); the refresh token lives in an HttpOnly cookie the page cannot read at all. A reload
// therefore starts with no token and trades the cookie for a fresh pair (restoreSession).
import { ApiError, request } from "./api.js";
import { usePasskey } from "./webauthn.js";

let accessToken = null;
let user = null;
let refreshTimer = 0;
let refreshing = null;
const listeners = new Set();

export const currentUser = () => user;
export const isAdmin = () => user?.role === "admin";

/** fn(user | null, reason) runs whenever someone signs in or out, or the session ends. */
export function onSessionChange(fn) {
  listeners.add(fn);
}

function notify(reason) {
  for (const fn of listeners) fn(user, reason);
}

/** Takes a token response (login, verify, refresh) as the current session. */
export function startSession(tokens) {
  accessToken = tokens.access_token;
  user = tokens.user;
  scheduleRefresh(tokens.expires_in);
  notify("signed-in");
}

/**
 * Signs in with an address and password; rejects with the server's ApiError (wrong password, unverified…).
 * With two-factor on, it rejects with code "mfa_required", whose problem carries the ticket for signInWithCode.
 */
export async function signIn(email, password) {
  startSession(await request("POST", "/auth/login", { body: { email, password } }));
}

/** The second step: the ticket from mfa_required and a code from the authenticator app, or a recovery code. */
export async function signInWithCode(ticket, code) {
  startSession(await request("POST", "/auth/login/mfa", { body: { mfa_ticket: ticket, code } }));
}

/**
 * Signs in with a passkey, no address asked: the browser offers this site's passkeys and the one chosen
 * says whose account it is. Never asks for a two-factor code (the authenticator checked the person).
 * Rejects with the server's ApiError, or with one saying why the browser made no passkey answer.
 */
export async function signInWithPasskey() {
  const credential = await usePasskey();
  startSession(await request("POST", "/auth/passkey", { body: { credential } }));
}

/** Keeps the signed-in user's details current after a profile or email change. */
export function updateUser(next) {
  user = next;
  notify("updated");
}

/** Forgets the session here. `reason` ("signed-out", "expired", "deleted") lets the next page say why. */
export function endSession(reason) {
  const wasSignedIn = user !== null;
  accessToken = null;
  user = null;
  clearTimeout(refreshTimer);
  if (wasSignedIn) notify(reason);
}

function scheduleRefresh(expiresIn) {
  clearTimeout(refreshTimer);
  // A minute before expiry (a fifth of the lifetime if that is shorter), so no call leaves with a
  // token about to lapse; a failure here is handled by the next call's retry.
  const lead = Math.min(60, expiresIn / 5);
  refreshTimer = setTimeout(() => void refreshSession().catch(() => {}), Math.max(1, expiresIn - lead) * 1000);
}

/**
 * Trades the refresh cookie for a new pair. Resolves true when signed in afterwards, false when the
 * session is over (the cookie is missing, expired or revoked). Callers at the same moment share one request.
 */
export function refreshSession() {
  refreshing ??= request("POST", "/auth/refresh")
    .then((tokens) => {
      startSession(tokens);
      return true;
    })
    .catch((err) => {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        endSession("expired");
        return false;
      }
      throw err;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/**
 * On page load: signed in again if the refresh cookie still holds a live session. Resolves to null, or
 * to the ApiError that kept us from finding out (server unreachable, busy): that is not "signed out".
 */
export async function restoreSession() {
  try {
    await refreshSession();
    return null;
  } catch (err) {
    return err;
  }
}

const sessionEnded = () =>
  new ApiError(401, { code: "session_ended", detail: "Your session has ended. Please sign in again." });

/** A call as the signed-in user. An access token that has expired is refreshed once and the call retried. */
export async function authed(method, path, body) {
  if (!accessToken) throw sessionEnded();
  try {
    return await request(method, path, { body, token: accessToken });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    if (!(await refreshSession())) throw sessionEnded();
    return request(method, path, { body, token: accessToken });
  }
}

/** Signs out here and on the server. */
export async function signOut(path = "/auth/logout") {
  try {
    if (accessToken) await request("POST", path, { token: accessToken });
  } finally {
    endSession("signed-out");
  }
}
