import type { PasskeyRecord } from "../repositories/passkey-repository";
import type { UserRecord } from "../repositories/user-record";
import type { SessionView } from "../services/session-service";
import type { IssuedTokens } from "../services/session-tokens";

export const toUserOut = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  full_name: u.fullName,
  username: u.username,
  role: u.role,
  email_verified: u.emailVerifiedAt !== null,
  totp_enabled: u.totpEnabledAt !== null,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
});

/** RFC 6749 §5.1's access token response (the OAuth token endpoint answers exactly this). */
export const toOAuthTokenResponse = (t: IssuedTokens) => ({
  access_token: t.accessToken,
  token_type: "bearer" as const,
  expires_in: t.accessExpiresIn,
  refresh_token: t.refreshToken,
  refresh_expires_in: t.refreshExpiresIn,
});

/** The JSON API's TokenResponse: the same, with the user. */
export const toTokenResponse = (t: IssuedTokens) => ({ ...toOAuthTokenResponse(t), user: toUserOut(t.user) });

export const toSessionOut = (s: SessionView) => ({
  id: s.id,
  current: s.current,
  user_agent: s.userAgent,
  ip: s.ip,
  created_at: s.createdAt.toISOString(),
  last_used_at: s.lastUsedAt.toISOString(),
  expires_at: s.expiresAt.toISOString(),
});

export const toPasskeyOut = (k: PasskeyRecord) => ({
  id: k.id,
  name: k.name,
  created_at: k.createdAt.toISOString(),
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  backed_up: k.backedUp,
  transports: k.transports,
});
