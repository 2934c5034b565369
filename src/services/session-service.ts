import type { Deps } from "../context";
import { AppError, invalidToken, sessionEnded } from "../errors";
import {
  findLiveSession,
  listLiveSessions,
  revokeSession,
  revokeSessions,
  rotateRefreshToken,
  type SessionRecord,
} from "../repositories/session-repository";
import type { AccessClaims } from "../security/access-token";
import { formatRefreshToken, hashRefreshSecret, openRefreshToken, successorOf } from "../security/refresh-token";
import { callerSession } from "./caller";
import { issueTokens, type IssuedTokens } from "./session-tokens";

const invalidRefresh = () => invalidToken("The refresh token is invalid, expired or revoked. Sign in again.");

/**
 * Rotates a refresh token in one round trip; a token this service did not issue costs none. The
 * successor is derived from the presented token with an HMAC, so a parent presented again inside the
 * reuse window (two tabs refreshing at once) gets the very same child without any token being stored in
 * plaintext; any other superseded token revokes the session.
 */
export async function refreshSession(deps: Deps, presented: string): Promise<IssuedTokens> {
  const { tokenSecret, refreshTtl, refreshReuseWindow } = deps.config;
  const parent = openRefreshToken(tokenSecret, presented);
  if (!parent) throw invalidRefresh();
  const child = successorOf(tokenSecret, parent);
  const now = deps.clock.now();
  const outcome = await rotateRefreshToken(deps.db, {
    sessionId: parent.sessionId,
    presentedHash: hashRefreshSecret(tokenSecret, parent.secret),
    successorHash: hashRefreshSecret(tokenSecret, child.secret),
    now,
    refreshTtl,
    reuseWindow: refreshReuseWindow,
  });
  if (outcome.kind === "reused") {
    throw new AppError("refresh_token_reused");
  }
  if (outcome.kind === "invalid") throw invalidRefresh();
  return issueTokens(deps, outcome.user, { sessionId: parent.sessionId, refreshToken: formatRefreshToken(child), expiresAt: outcome.expiresAt, amr: outcome.amr });
}

export async function logout(deps: Deps, caller: AccessClaims): Promise<void> {
  if (!(await revokeSession(deps.db, callerSession(deps, caller)))) throw sessionEnded();
}

export async function logoutEverywhere(deps: Deps, caller: AccessClaims): Promise<void> {
  if ((await revokeSessions(deps.db, { ...callerSession(deps, caller), scope: "all" })) === null) throw sessionEnded();
}

export async function revokeOtherSessions(deps: Deps, caller: AccessClaims): Promise<void> {
  if ((await revokeSessions(deps.db, { ...callerSession(deps, caller), scope: "others" })) === null) throw sessionEnded();
}

// Another user's session and a missing one answer alike, so session ids cannot be probed.
const noSuchSession = () => new AppError("session_not_found");

export async function revokeOneSession(deps: Deps, caller: AccessClaims, targetId: string): Promise<void> {
  const revoked = await revokeSessions(deps.db, { ...callerSession(deps, caller), scope: { targetId } });
  if (revoked === null) throw sessionEnded();
  if (revoked === 0) throw noSuchSession();
}

export interface SessionView extends SessionRecord {
  current: boolean;
}

export async function listSessions(deps: Deps, caller: AccessClaims): Promise<SessionView[]> {
  const sessions = await listLiveSessions(deps.db, callerSession(deps, caller));
  if (sessions.length === 0) throw sessionEnded();
  return sessions.map((s) => ({ ...s, current: s.id === caller.sid }));
}

export async function getSession(deps: Deps, caller: AccessClaims, targetId: string): Promise<SessionView> {
  const { callerLive, session } = await findLiveSession(deps.db, { ...callerSession(deps, caller), targetId });
  if (!callerLive) throw sessionEnded();
  if (!session) throw noSuchSession();
  return { ...session, current: session.id === caller.sid };
}
