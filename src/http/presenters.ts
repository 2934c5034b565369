import type { UserRecord } from "../repositories/user-record";
import type { IssuedTokens } from "../services/session-tokens";

export const toUserOut = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  full_name: u.fullName,
  username: u.username,
  role: u.role,
  email_verified: u.emailVerifiedAt !== null,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
});

export const toTokenResponse = (t: IssuedTokens) => ({
  access_token: t.accessToken,
  token_type: "bearer" as const,
  expires_in: t.accessExpiresIn,
  refresh_token: t.refreshToken,
  refresh_expires_in: t.refreshExpiresIn,
  user: toUserOut(t.user),
});
