/**
 * Every problem the API answers with (RFC 9457 `code`): its HTTP status and the sentence it says unless
 * the thrower has a more precise one. Services throw `new AppError(code)`; routes document the codes
 * they can answer from here (schemas/responses.ts); the OAuth token endpoint maps them through `oauth`
 * (RFC 6749 §5.2's `invalid_grant` for a failed grant); the app's handling of codes is checked against
 * this list by a test.
 */
export interface ProblemSpec {
  status: number;
  detail: string;
  /** How the OAuth token endpoint reports this problem, when it is one of the grant's own failures. */
  oauth?: "invalid_grant" | "mfa_required";
  /** A header every answer with this code carries (documented with it in the OpenAPI document). */
  header?: ProblemHeader;
}

/** Headers that come with some problems: when to retry (RFC 9110 §10.2.3), which scheme to authenticate with (RFC 6750 §3). */
export type ProblemHeader = "Retry-After" | "WWW-Authenticate";

export const PROBLEMS = {
  // Malformed requests
  malformed_body: { status: 400, detail: "The request body is not valid JSON." },
  body_too_large: { status: 413, detail: "The request body is too large." },
  unsupported_media_type: { status: 415, detail: "Send the body as application/json." },
  validation_error: { status: 422, detail: "The request has invalid fields." },
  not_found: { status: 404, detail: "No such route." },
  method_not_allowed: { status: 405, detail: "This path does not take that method; the Allow header lists the ones it takes." },

  // Credentials and tokens
  invalid_token: { status: 401, detail: "The access token is missing, invalid or expired.", oauth: "invalid_grant", header: "WWW-Authenticate" },
  refresh_token_reused: {
    status: 401,
    detail: "This refresh token was already used; the session has been revoked. Sign in again.",
    oauth: "invalid_grant",
  },
  invalid_credentials: { status: 401, detail: "The email or password is not correct.", oauth: "invalid_grant" },
  email_not_verified: { status: 403, detail: "Verify your email address first; we sent you a code.", oauth: "invalid_grant" },
  account_locked: {
    status: 429,
    detail: "Too many failed sign-ins. Try again later, or reset your password.",
    oauth: "invalid_grant",
    header: "Retry-After",
  },
  invalid_password: { status: 403, detail: "The password is not correct." },
  invalid_passkey_proof: { status: 403, detail: "This passkey did not confirm it is you: use one of this account's passkeys, or the password." },
  mfa_required: {
    status: 403,
    oauth: "mfa_required",
    detail: "The password was right; now send a code from the authenticator app (or a recovery code) with the ticket to /auth/login/mfa.",
  },
  invalid_mfa_ticket: {
    status: 401,
    detail: "This sign-in ticket is invalid, expired, used up or already used. Sign in again.",
    oauth: "invalid_grant",
  },
  cross_site_request: { status: 403, detail: "The refresh cookie can only be used from this site's own pages." },
  invalid_passkey: { status: 401, detail: "This passkey could not sign you in: it is not registered here, or its answer did not check out." },
  invalid_passkey_challenge: { status: 400, detail: "This passkey request is unknown, expired or already used. Start again." },
  passkey_rejected: { status: 400, detail: "The authenticator's answer did not check out; no passkey was added." },

  // One-time codes
  invalid_code: { status: 400, detail: "The code is not valid.", oauth: "invalid_grant" },
  code_expired: { status: 400, detail: "This code has expired. Request a new one." },
  too_many_attempts: { status: 429, detail: "Too many wrong codes for this address. Try again later.", header: "Retry-After" },

  // Accounts
  forbidden: { status: 403, detail: "Only an admin can do this." },
  user_not_found: { status: 404, detail: "No such user." },
  session_not_found: { status: 404, detail: "No such session." },
  email_taken: { status: 409, detail: "That email address cannot be used. Choose another." },
  email_unchanged: { status: 409, detail: "That is already your email address." },
  username_taken: { status: 409, detail: "This username is taken." },
  totp_already_enabled: { status: 409, detail: "Two-factor authentication is already on." },
  totp_not_enabled: { status: 409, detail: "Two-factor authentication is off." },
  totp_enrolment_expired: { status: 409, detail: "No two-factor set-up is in progress, or it expired. Start again." },
  passkey_not_found: { status: 404, detail: "No such passkey." },
  passkey_already_registered: { status: 409, detail: "This passkey is already registered." },
  too_many_passkeys: { status: 409, detail: "You have the most passkeys an account may have (20). Remove one first." },
  last_admin: { status: 409, detail: "This is the last admin; make someone else admin first." },

  // Limits
  too_many_requests: { status: 429, detail: "A code was sent less than a minute ago. Wait a moment before asking again.", header: "Retry-After" },
  rate_limited: { status: 429, detail: "Too many requests from your network. Wait a minute and try again.", header: "Retry-After" },

  // The service itself
  internal_error: { status: 500, detail: "Something went wrong on our side." },
  configuration_error: { status: 500, detail: "The service is misconfigured; the operator has to fix it." },
  service_unavailable: { status: 503, detail: "The database is not reachable right now. Try again shortly.", header: "Retry-After" },
} as const satisfies Record<string, ProblemSpec>;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

export const problemSpec = (code: ProblemCode): ProblemSpec => PROBLEMS[code];
