import { constantTimeEqual } from "./constant-time";
import { fromBase64, toBase64Url } from "./encoding";
import { keyedBytes, keyedHash } from "./hmac";
import { randomBytes } from "./random";

/**
 * Refresh tokens are `<session id>.<secret>`, and only keyedHash(secret) is stored. The secret is 16
 * unpredictable bytes followed by a 16-byte tag (an HMAC of the session id and those bytes), so the worker
 * can tell a token this service issued from a made-up one without the database: an authentic token that
 * is neither the session's current one nor its just-replaced parent can only be an older, superseded
 * generation, which is reuse (see rotateRefreshToken). The successor of a secret is derived from it with
 * an HMAC, so a parent presented twice inside the reuse window yields the same child without any
 * plaintext token being kept.
 */
export interface RefreshToken {
  sessionId: string;
  secret: string;
}

const FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const PART = 16;

const tag = (tokenSecret: string, sessionId: string, body: Uint8Array) =>
  keyedBytes(tokenSecret, "refresh-tag", sessionId, toBase64Url(body)).subarray(0, PART);

function seal(tokenSecret: string, sessionId: string, body: Uint8Array): RefreshToken {
  const secret = new Uint8Array(2 * PART);
  secret.set(body.subarray(0, PART));
  secret.set(tag(tokenSecret, sessionId, body.subarray(0, PART)), PART);
  return { sessionId, secret: toBase64Url(secret) };
}

export const newRefreshToken = (tokenSecret: string, sessionId: string): RefreshToken => seal(tokenSecret, sessionId, randomBytes(PART));

export const formatRefreshToken = (t: RefreshToken): string => `${t.sessionId}.${t.secret}`;

/** The token if it is well-formed and this service issued it (its tag checks out); null otherwise. */
export function openRefreshToken(tokenSecret: string, text: string): RefreshToken | null {
  const m = FORMAT.exec(text);
  if (!m) return null;
  const sessionId = m[1]!.toLowerCase();
  const bytes = fromBase64(m[2]!);
  // Base64 leaves two spare bits in 43 characters: only the one spelling this service writes is accepted.
  if (toBase64Url(bytes) !== m[2]) return null;
  if (!constantTimeEqual(bytes.subarray(PART), tag(tokenSecret, sessionId, bytes.subarray(0, PART)))) return null;
  return { sessionId, secret: m[2]! };
}

export const hashRefreshSecret = (tokenSecret: string, secret: string): string => keyedHash(tokenSecret, "refresh", secret);

export const successorOf = (tokenSecret: string, parent: RefreshToken): RefreshToken =>
  seal(tokenSecret, parent.sessionId, keyedBytes(tokenSecret, "refresh-successor", parent.sessionId, parent.secret));
