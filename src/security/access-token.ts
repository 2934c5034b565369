import { errors, jwtVerify, SignJWT } from "jose";
import { isRole, type Role } from "../domain/roles";
import { invalidToken } from "../errors";
import { JWT_ALGORITHM, type KeySet } from "./keys";
import { VerifiedTokenCache } from "./verified-tokens";

export interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** `amr` (RFC 8176, as OpenID Connect uses it): how the session's sign-in was authenticated. */
export async function signAccessToken(
  keys: KeySet,
  claims: AccessClaims,
  settings: TokenSettings,
  now: Date,
  amr: readonly string[] = ["pwd"],
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sid, role: claims.role, amr: [...amr] })
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: keys.kid, typ: "JWT" })
    .setSubject(claims.sub)
    // Unique per token, so two tokens issued in the same second for one session still differ.
    .setJti(crypto.randomUUID())
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.ttlSeconds)
    .sign(keys.signingKey);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Clocks of the machines that issue and check tokens may differ by this much. */
export const CLOCK_SKEW_SECONDS = 30;

// One cache per key set: a new signing configuration starts with nothing verified.
const verified = new WeakMap<KeySet, VerifiedTokenCache<AccessClaims>>();

/**
 * Verifies signature, algorithm (pinned: `alg: none` and HS256-with-the-public-key are refused before
 * any key is touched), issuer, audience and age against the injected clock: a token is good from its
 * `iat` (not one issued in the future, beyond the skew) for the configured TTL, whatever its `exp` says,
 * so a token minted with a far-future `exp` (a leaked key's, or an old configuration's) does not live on.
 */
export async function verifyAccessToken(keys: KeySet, token: string, settings: TokenSettings, now: Date): Promise<AccessClaims> {
  let cache = verified.get(keys);
  if (!cache) verified.set(keys, (cache = new VerifiedTokenCache()));
  const scope = `${settings.issuer} ${settings.audience}`;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const known = cache.get(token, scope, nowSeconds);
  if (known) return known;
  const claims = await verifyWithJose(keys, token, settings, now);
  cache.set(token, scope, claims.claims, claims.notBefore, claims.exp);
  return claims.claims;
}

async function verifyWithJose(keys: KeySet, token: string, settings: TokenSettings, now: Date): Promise<{ claims: AccessClaims; notBefore: number; exp: number }> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : keys.verifyingKeys.get(header.kid);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [JWT_ALGORITHM],
        issuer: settings.issuer,
        audience: settings.audience,
        currentDate: now,
        requiredClaims: ["sub", "sid", "exp", "iat"],
      },
    );
    const { sub, sid, role, exp, iat } = payload;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (iat! > nowSeconds + CLOCK_SKEW_SECONDS) throw invalidToken("The access token was issued in the future.");
    if (nowSeconds >= iat! + settings.ttlSeconds) throw invalidToken("The access token has expired.");
    if (typeof sub !== "string" || !UUID.test(sub) || typeof sid !== "string" || !UUID.test(sid) || !isRole(role)) {
      throw invalidToken();
    }
    // Remembered only while both limits hold.
    return { claims: { sub, sid, role }, notBefore: iat! - CLOCK_SKEW_SECONDS, exp: Math.min(exp!, iat! + settings.ttlSeconds) };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw invalidToken("The access token has expired.");
    if (err instanceof errors.JOSEError || err instanceof TypeError) throw invalidToken();
    throw err;
  }
}
