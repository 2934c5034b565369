import { keyedHash } from "./hmac";
import { randomToken } from "./random";

/**
 * Refresh tokens are `<session id>.<secret>`. Only keyedHash(secret) is stored. The successor of a
 * secret is derived from it with an HMAC, so a parent presented twice inside the reuse window yields
 * the same child without any plaintext token being kept.
 */
export interface RefreshToken {
  sessionId: string;
  secret: string;
}

const FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export const newRefreshToken = (sessionId: string): RefreshToken => ({ sessionId, secret: randomToken(32) });

export const formatRefreshToken = (t: RefreshToken): string => `${t.sessionId}.${t.secret}`;

export function parseRefreshToken(text: string): RefreshToken | null {
  const m = FORMAT.exec(text);
  return m ? { sessionId: m[1]!.toLowerCase(), secret: m[2]! } : null;
}

export const hashRefreshSecret = (tokenSecret: string, secret: string): string => keyedHash(tokenSecret, "refresh", secret);

export const successorOf = (tokenSecret: string, parent: RefreshToken): RefreshToken => ({
  sessionId: parent.sessionId,
  secret: keyedHash(tokenSecret, "refresh-successor", parent.sessionId, parent.secret),
});
