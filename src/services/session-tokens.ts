import type { ClientInfo, Deps } from "../context";
import type { NewSession } from "../repositories/session-sql";
import type { UserRecord } from "../repositories/user-record";
import { signAccessToken } from "../security/access-token";
import { formatRefreshToken, hashRefreshSecret, newRefreshToken } from "../security/refresh-token";

export interface IssuedTokens {
  user: UserRecord;
  accessToken: string;
  accessExpiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

/**
 * RFC 8176's method values for each way in: a password alone; a password and a one-time password (TOTP or
 * a recovery code); a passkey: `hwk`, proof of a key an authenticator holds, and `mfa`, because user
 * verification is required (the authenticator checked a PIN or biometric before signing), so the key and
 * the person were both checked, which is why it satisfies two-factor sign-in.
 */
export const PASSWORD_ONLY = ["pwd"] as const;
export const PASSWORD_AND_OTP = ["pwd", "otp"] as const;
export const PASSKEY = ["hwk", "mfa"] as const;

export interface PreparedSession {
  session: NewSession;
  refreshToken: string;
}

/**
 * A session's id and first refresh token are made in the worker, so the statement that opens the
 * session (together with whatever else login or verification writes) is a single round trip.
 */
export function prepareSession(deps: Deps, client: ClientInfo, amr: readonly string[] = PASSWORD_ONLY, sessionId = crypto.randomUUID()): PreparedSession {
  const now = deps.clock.now();
  const token = newRefreshToken(deps.config.tokenSecret, sessionId);
  const absoluteExpiresAt = new Date(now.getTime() + deps.config.sessionMaxAge * 1000);
  const slidingExpiresAt = new Date(now.getTime() + deps.config.refreshTtl * 1000);
  return {
    refreshToken: formatRefreshToken(token),
    session: {
      id: token.sessionId,
      refreshHash: hashRefreshSecret(deps.config.tokenSecret, token.secret),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip,
      createdAt: now,
      expiresAt: slidingExpiresAt < absoluteExpiresAt ? slidingExpiresAt : absoluteExpiresAt,
      absoluteExpiresAt,
      amr,
      maxLivePerUser: deps.config.maxSessionsPerUser,
    },
  };
}

/** What an access token and a TokenResponse need to know about the session they belong to. */
export interface SessionGrant {
  sessionId: string;
  refreshToken: string;
  expiresAt: Date;
  amr: readonly string[];
}

export const grantOf = (prepared: PreparedSession): SessionGrant => ({
  sessionId: prepared.session.id,
  refreshToken: prepared.refreshToken,
  expiresAt: prepared.session.expiresAt,
  amr: prepared.session.amr,
});

export async function issueTokens(deps: Deps, user: UserRecord, grant: SessionGrant): Promise<IssuedTokens> {
  const now = deps.clock.now();
  const { issuer, audience, accessTtl } = deps.config.jwt;
  const accessToken = await signAccessToken(
    deps.keys,
    { sub: user.id, sid: grant.sessionId, role: user.role },
    { issuer, audience, ttlSeconds: accessTtl },
    now,
    grant.amr,
  );
  return {
    user,
    accessToken,
    accessExpiresIn: accessTtl,
    refreshToken: grant.refreshToken,
    refreshExpiresIn: Math.max(0, Math.round((grant.expiresAt.getTime() - now.getTime()) / 1000)),
  };
}
