import type { PasswordFailureLimits } from "../repositories/login-failure-sql";

/**
 * Failed password checks (login, its aliases, the token endpoint and re-authentication alike), counted
 * per address and client network, and per address across networks:
 * - one network: 5 failures lock that network out for 30 s, doubling with each further failure up to
 *   15 minutes; a correct password from it, a reset or a verification clears it;
 * - all networks: from the 10th failure a backoff of 1 s, doubling up to 30 s, so a botnet guesses
 *   slowly while the owner, from their own network, waits seconds at most.
 * Counts whose last failure is a day old start over.
 */
export const PASSWORD_FAILURE_LIMITS: PasswordFailureLimits = {
  perNetwork: { threshold: 5, baseSeconds: 30, maxSeconds: 15 * 60 },
  accountWide: { threshold: 10, baseSeconds: 1, maxSeconds: 30 },
  memorySeconds: 24 * 3600,
};

/** Wrong codes per address (or user, for email changes) and purpose, whatever codes it was sent. */
export const CODE_GUESS_LIMIT = { maxFailures: 10, windowSeconds: 24 * 3600 } as const;

/**
 * Wrong second-factor answers (TOTP or recovery codes) per account, on top of each ticket's 5 tries: a
 * thief with the password gets 10 guesses a quarter of an hour however many tickets they start.
 */
export const MFA_GUESS_LIMIT = { maxFailures: 10, windowSeconds: 15 * 60 } as const;
