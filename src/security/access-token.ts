import { errors, jwtVerify, SignJWT } from "jose";
import { invalidToken } from "../errors";
import { JWT_ALGORITHM, type KeySet } from "./keys";

export type Role = "user" | "admin";

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

export async function signAccessToken(keys: KeySet, claims: AccessClaims, settings: TokenSettings, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sid, role: claims.role })
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

/**
 * Verifies signature, algorithm (pinned: `alg: none` and HS256-with-the-public-key are refused before
 * any key is touched), issuer, audience and expiry against the injected clock.
 */
export async function verifyAccessToken(keys: KeySet, token: string, settings: TokenSettings, now: Date): Promise<AccessClaims> {
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
    const { sub, sid, role } = payload;
    if (typeof sub !== "string" || !UUID.test(sub) || typeof sid !== "string" || !UUID.test(sid) || (role !== "user" && role !== "admin")) {
      throw invalidToken();
    }
    return { sub, sid, role };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw invalidToken("The access token has expired.");
    if (err instanceof errors.JOSEError || err instanceof TypeError) throw invalidToken();
    throw err;
  }
}
