/**
 * Every table's columns: the property the code knows a column by → its SQL name and type, written here
 * once. db/schema.ts builds drizzle's tables from these (the migrations' source; keys, defaults,
 * nullability and indexes are written there), db/rows.ts decodes rows with them. Plain data, so the
 * worker carries neither the tables nor drizzle's column classes.
 */
export type ColumnType = "uuid" | "text" | "integer" | "bigint" | "boolean" | "timestamptz" | "text[]";

export type ColumnSpec<T extends ColumnType = ColumnType, N extends string = string> = readonly [name: N, type: T];

export const userColumns = {
  id: ["id", "uuid"],
  email: ["email", "text"],
  fullName: ["full_name", "text"],
  username: ["username", "text"],
  pendingUsername: ["pending_username", "text"],
  passwordHash: ["password_hash", "text"],
  role: ["role", "text"],
  emailVerifiedAt: ["email_verified_at", "timestamptz"],
  lastLoginAt: ["last_login_at", "timestamptz"],
  createdAt: ["created_at", "timestamptz"],
  updatedAt: ["updated_at", "timestamptz"],
  totpSecret: ["totp_secret", "text"],
  totpEnabledAt: ["totp_enabled_at", "timestamptz"],
  totpLastStep: ["totp_last_step", "bigint"],
  totpPendingSecret: ["totp_pending_secret", "text"],
  totpPendingAt: ["totp_pending_at", "timestamptz"],
  passkeyCount: ["passkey_count", "integer"],
} as const satisfies Record<string, ColumnSpec>;

export const sessionColumns = {
  id: ["id", "uuid"],
  userId: ["user_id", "uuid"],
  refreshHash: ["refresh_hash", "text"],
  previousRefreshHash: ["previous_refresh_hash", "text"],
  rotatedAt: ["rotated_at", "timestamptz"],
  userAgent: ["user_agent", "text"],
  ip: ["ip", "text"],
  createdAt: ["created_at", "timestamptz"],
  lastUsedAt: ["last_used_at", "timestamptz"],
  expiresAt: ["expires_at", "timestamptz"],
  absoluteExpiresAt: ["absolute_expires_at", "timestamptz"],
  revokedAt: ["revoked_at", "timestamptz"],
  amr: ["amr", "text[]"],
} as const satisfies Record<string, ColumnSpec>;

export const oneTimeCodeColumns = {
  userId: ["user_id", "uuid"],
  purpose: ["purpose", "text"],
  codeHash: ["code_hash", "text"],
  newEmail: ["new_email", "text"],
  attempts: ["attempts", "integer"],
  createdAt: ["created_at", "timestamptz"],
  expiresAt: ["expires_at", "timestamptz"],
  consumedAt: ["consumed_at", "timestamptz"],
} as const satisfies Record<string, ColumnSpec>;

export const loginFailureColumns = {
  subject: ["subject", "text"],
  network: ["network", "text"],
  failures: ["failures", "integer"],
  lockedUntil: ["locked_until", "timestamptz"],
  lastFailureAt: ["last_failure_at", "timestamptz"],
} as const satisfies Record<string, ColumnSpec>;

export const codeFailureColumns = {
  subject: ["subject", "text"],
  purpose: ["purpose", "text"],
  failures: ["failures", "integer"],
  windowStartedAt: ["window_started_at", "timestamptz"],
} as const satisfies Record<string, ColumnSpec>;

export const recoveryCodeColumns = {
  userId: ["user_id", "uuid"],
  codeHash: ["code_hash", "text"],
  usedAt: ["used_at", "timestamptz"],
} as const satisfies Record<string, ColumnSpec>;

export const mfaTicketColumns = {
  id: ["id", "uuid"],
  userId: ["user_id", "uuid"],
  secretHash: ["secret_hash", "text"],
  firstStep: ["first_step", "bigint"],
  stepHashes: ["step_hashes", "text[]"],
  attempts: ["attempts", "integer"],
  createdAt: ["created_at", "timestamptz"],
  expiresAt: ["expires_at", "timestamptz"],
  consumedAt: ["consumed_at", "timestamptz"],
  userAgent: ["user_agent", "text"],
  ip: ["ip", "text"],
} as const satisfies Record<string, ColumnSpec>;

export const passkeyColumns = {
  id: ["id", "uuid"],
  userId: ["user_id", "uuid"],
  credentialId: ["credential_id", "text"],
  publicKey: ["public_key", "text"],
  algorithm: ["algorithm", "integer"],
  signCount: ["sign_count", "bigint"],
  transports: ["transports", "text[]"],
  backupEligible: ["backup_eligible", "boolean"],
  backedUp: ["backed_up", "boolean"],
  name: ["name", "text"],
  createdAt: ["created_at", "timestamptz"],
  lastUsedAt: ["last_used_at", "timestamptz"],
} as const satisfies Record<string, ColumnSpec>;

export const webauthnChallengeColumns = {
  challengeHash: ["challenge_hash", "text"],
  purpose: ["purpose", "text"],
  userId: ["user_id", "uuid"],
  sessionId: ["session_id", "uuid"],
  expiresAt: ["expires_at", "timestamptz"],
} as const satisfies Record<string, ColumnSpec>;
