import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { passkeyColumns } from "../db/columns";
import { computedColumns, tableColumns } from "../db/rows";
import type { passkeys } from "../db/schema";
import { openSessionCtes, sessionIsLive, textArray, type NewSession } from "./session-sql";
import { userRecord, type UserRecord } from "./user-record";

/** A passkey as its owner sees it. */
export const passkeyRecord = tableColumns<typeof passkeys>()(passkeyColumns, ["id", "name", "createdAt", "lastUsedAt", "backedUp", "transports"]);
export type PasskeyRecord = ReturnType<typeof passkeyRecord.decode>;

/** What a sign-in needs of the passkey it presented. */
const signInKey = tableColumns<typeof passkeys>()(passkeyColumns, ["id", "userId", "publicKey", "algorithm", "signCount"]);
export type SignInKey = ReturnType<typeof signInKey.decode>;

export interface NewChallenge {
  hash: string;
  expiresAt: Date;
}

const registrationStart = computedColumns({ started: "boolean", existing: "text", count: "integer", email: "text", full_name: "text?" });

/**
 * Registration's options, one statement: the challenge, stored for the caller's user and session while
 * the session is live, and the passkeys the user already has (the browser is told not to make a second
 * one on the same authenticator) with their count as the cap counts them, and the user's names for the
 * browser to show. Null when the session ended.
 */
export async function startRegistration(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; challenge: NewChallenge },
): Promise<{ existing: { credentialId: string; transports: string[] }[]; count: number; email: string; fullName: string | null } | null> {
  const result = await db.execute(sql`
    WITH challenge AS (
      INSERT INTO webauthn_challenges (challenge_hash, purpose, user_id, session_id, expires_at)
      SELECT ${p.challenge.hash}, 'register', ${p.userId}::uuid, ${p.sessionId}::uuid, ${p.challenge.expiresAt}::timestamptz
      WHERE ${sessionIsLive(p.userId, p.sessionId, p.now)}
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM challenge) AS started,
           (SELECT coalesce(json_agg(json_build_object('credentialId', credential_id, 'transports', transports)), '[]')::text
            FROM passkeys WHERE user_id = ${p.userId}::uuid) AS existing,
           u.passkey_count AS count, u.email, u.full_name
    FROM users u WHERE u.id = ${p.userId}::uuid`);
  const row = result.rows[0];
  if (!row) return null;
  const o = registrationStart.decode(row);
  if (!o.started) return null;
  return { existing: JSON.parse(o.existing) as { credentialId: string; transports: string[] }[], count: o.count, email: o.email, fullName: o.full_name };
}

export interface NewPasskey {
  id: string;
  credentialId: string;
  publicKey: string;
  algorithm: number;
  signCount: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  name: string;
}

const registrationEnd = computedColumns({ challenge_found: "boolean", challenge_live: "boolean", session_live: "boolean", taken: "boolean" });

export type RegistrationOutcome =
  | { kind: "registered"; passkey: PasskeyRecord }
  | { kind: "no_challenge" }
  | { kind: "signed_out" }
  | { kind: "already_registered" }
  | { kind: "limit_reached" };

/**
 * Registration's end, one statement: the challenge is consumed (deleted: of two requests with one
 * challenge, one finds it), then, while the caller's session is live and the credential is nobody's,
 * the user's count moves up under the cap (the row's lock orders racing registrations) and the passkey
 * is stored.
 */
export async function finishRegistration(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; challengeHash: string; maxPerUser: number; passkey: NewPasskey },
): Promise<RegistrationOutcome> {
  const k = p.passkey;
  const now = sql`${p.now}::timestamptz`;
  const result = await db.execute(sql`
    WITH challenge AS (
      DELETE FROM webauthn_challenges
      WHERE challenge_hash = ${p.challengeHash} AND purpose = 'register' AND user_id = ${p.userId}::uuid AND session_id = ${p.sessionId}::uuid
      RETURNING expires_at > ${now} AS live
    ), allowed AS (
      SELECT 1 WHERE (SELECT live FROM challenge) AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
        AND NOT EXISTS (SELECT 1 FROM passkeys WHERE credential_id = ${k.credentialId})
    ), slot AS (
      UPDATE users SET passkey_count = passkey_count + 1
      WHERE id = ${p.userId}::uuid AND passkey_count < ${p.maxPerUser}::int AND EXISTS (SELECT 1 FROM allowed)
      RETURNING id
    ), stored AS (
      INSERT INTO passkeys (id, user_id, credential_id, public_key, algorithm, sign_count, transports, backup_eligible, backed_up, name, created_at)
      SELECT ${k.id}::uuid, id, ${k.credentialId}, ${k.publicKey}, ${k.algorithm}::int, ${k.signCount}::bigint, ${textArray(k.transports)}::text[],
             ${k.backupEligible}::boolean, ${k.backedUp}::boolean, ${k.name}, ${now}
      FROM slot
      RETURNING ${passkeyRecord.sql()}
    )
    SELECT EXISTS (SELECT 1 FROM challenge) AS challenge_found, coalesce((SELECT live FROM challenge), false) AS challenge_live,
           ${sessionIsLive(p.userId, p.sessionId, p.now)} AS session_live,
           EXISTS (SELECT 1 FROM passkeys WHERE credential_id = ${k.credentialId}) AS taken, s.*
    FROM (SELECT 1) AS one LEFT JOIN stored s ON true`);
  const row = result.rows[0]!;
  const stored = passkeyRecord.decodeJoined(row);
  if (stored) return { kind: "registered", passkey: stored };
  const o = registrationEnd.decode(row);
  if (!o.session_live) return { kind: "signed_out" };
  if (!o.challenge_found || !o.challenge_live) return { kind: "no_challenge" };
  if (o.taken) return { kind: "already_registered" };
  return { kind: "limit_reached" };
}

/** The caller's passkeys, newest first, while the session is live (null otherwise). */
export async function listPasskeys(db: Database, p: { userId: string; sessionId: string; now: Date }): Promise<PasskeyRecord[] | null> {
  const result = await db.execute(sql`
    SELECT ${sessionIsLive(p.userId, p.sessionId, p.now)} AS session_live, k.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT ${passkeyRecord.sql()} FROM passkeys
      WHERE user_id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
      ORDER BY created_at DESC, id DESC
    ) AS k ON true`);
  if (!computedColumns({ session_live: "boolean" }).decode(result.rows[0]!).session_live) return null;
  return result.rows.flatMap((row) => passkeyRecord.decodeJoined(row) ?? []);
}

const ownPasskey = computedColumns({ session_live: "boolean" });

/** Renames one of the caller's passkeys: the renamed record, "not_found", or null when the session ended. */
export async function renamePasskey(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; passkeyId: string; name: string },
): Promise<PasskeyRecord | "not_found" | null> {
  const result = await db.execute(sql`
    WITH renamed AS (
      UPDATE passkeys SET name = ${p.name}
      WHERE id = ${p.passkeyId}::uuid AND user_id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
      RETURNING ${passkeyRecord.sql()}
    )
    SELECT ${sessionIsLive(p.userId, p.sessionId, p.now)} AS session_live, r.* FROM (SELECT 1) AS one LEFT JOIN renamed r ON true`);
  const row = result.rows[0]!;
  if (!ownPasskey.decode(row).session_live) return null;
  return passkeyRecord.decodeJoined(row) ?? "not_found";
}

/** Removes one of the caller's passkeys and frees its place under the cap, in one statement. */
export async function deletePasskey(
  db: Database,
  p: { userId: string; sessionId: string; now: Date; passkeyId: string },
): Promise<"deleted" | "not_found" | null> {
  const result = await db.execute(sql`
    WITH removed AS (
      DELETE FROM passkeys
      WHERE id = ${p.passkeyId}::uuid AND user_id = ${p.userId}::uuid AND ${sessionIsLive(p.userId, p.sessionId, p.now)}
      RETURNING user_id
    ), counted AS (
      UPDATE users SET passkey_count = passkey_count - 1 WHERE id = (SELECT user_id FROM removed)
    )
    SELECT ${sessionIsLive(p.userId, p.sessionId, p.now)} AS session_live, EXISTS (SELECT 1 FROM removed) AS deleted`);
  const o = computedColumns({ session_live: "boolean", deleted: "boolean" }).decode(result.rows[0]!);
  if (!o.session_live) return null;
  return o.deleted ? "deleted" : "not_found";
}

/** Sign-in's options: a challenge that names no one, for any passkey of this site. */
export async function storeSignInChallenge(db: Database, challenge: NewChallenge): Promise<void> {
  await db.execute(sql`
    INSERT INTO webauthn_challenges (challenge_hash, purpose, expires_at)
    VALUES (${challenge.hash}, 'sign_in', ${challenge.expiresAt}::timestamptz)`);
}

const signInStart = computedColumns({ challenge_live: "boolean" });

/**
 * Sign-in's first statement: consumes the challenge (deleted, so an assertion is good once, whoever sends
 * it first) and reads the passkey the assertion names.
 */
export async function takeSignInChallenge(
  db: Database,
  p: { challengeHash: string; credentialId: string; now: Date },
): Promise<{ challengeLive: boolean; passkey: SignInKey | null }> {
  const result = await db.execute(sql`
    WITH challenge AS (
      DELETE FROM webauthn_challenges WHERE challenge_hash = ${p.challengeHash} AND purpose = 'sign_in'
      RETURNING expires_at > ${p.now}::timestamptz AS live
    )
    SELECT coalesce((SELECT live FROM challenge), false) AS challenge_live, k.*
    FROM (SELECT 1) AS one
    LEFT JOIN (SELECT ${signInKey.sql()} FROM passkeys WHERE credential_id = ${p.credentialId}) AS k ON true`);
  const row = result.rows[0]!;
  return { challengeLive: signInStart.decode(row).challenge_live, passkey: signInKey.decodeJoined(row) };
}

/** What a verified assertion reports, to record against the passkey it was made with. */
export interface PasskeyUse {
  passkeyId: string;
  /** The counter as read with the challenge: the update happens only if it is still that. */
  readSignCount: number;
  signCount: number;
  backedUp: boolean;
  now: Date;
}

/**
 * A passkey's use recorded: the counter moves from the value read to the one reported (compare-and-swap:
 * of two assertions racing on one counter, one wins), with its last use and backup state. Only the
 * `userId`'s passkey, when given. Returns the passkey's user_id.
 */
const passkeyUseSql = (u: PasskeyUse & { userId?: string }): SQL => sql`
  UPDATE passkeys SET sign_count = ${u.signCount}::bigint, backed_up = ${u.backedUp}::boolean, last_used_at = ${u.now}::timestamptz
  WHERE id = ${u.passkeyId}::uuid AND sign_count = ${u.readSignCount}::bigint${u.userId === undefined ? sql`` : sql` AND user_id = ${u.userId}::uuid`}
  RETURNING user_id`;

/**
 * Sign-in's second statement, after the signature verified: the passkey's use (passkeyUseSql), the
 * user's last sign-in, and the session.
 */
export async function completePasskeySignIn(
  db: Database,
  p: PasskeyUse & { session: NewSession },
): Promise<UserRecord | null> {
  const now = sql`${p.now}::timestamptz`;
  const result = await db.execute(sql`
    WITH used AS (${passkeyUseSql(p)}), winner AS (
      UPDATE users SET last_login_at = ${now} WHERE id = (SELECT user_id FROM used)
      RETURNING ${userRecord.sql()}
    ),
    ${openSessionCtes("winner", p.session)}
    SELECT w.* FROM (SELECT 1) AS one LEFT JOIN winner w ON true WHERE EXISTS (SELECT 1 FROM session)`);
  const row = result.rows[0];
  return row ? userRecord.decode(row) : null;
}

/**
 * A passkey used to confirm the caller (not to sign in): its use, as at sign-in. False when another use
 * moved the counter first, or it is gone, or it is not the caller's.
 */
export async function recordPasskeyUse(
  db: Database,
  p: PasskeyUse & { userId: string },
): Promise<boolean> {
  const result = await db.execute(passkeyUseSql(p));
  return result.rows.length > 0;
}
