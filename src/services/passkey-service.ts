import type { ClientInfo, Deps } from "../context";
import { violatedUniqueConstraint } from "../db/errors";
import { AppError, sessionEnded } from "../errors";
import {
  completePasskeySignIn,
  deletePasskey,
  finishRegistration,
  listPasskeys,
  recordPasskeyUse,
  renamePasskey,
  startRegistration,
  storeSignInChallenge,
  takeSignInChallenge,
  type NewChallenge,
  type PasskeyRecord,
  type SignInKey,
} from "../repositories/passkey-repository";
import type { AccessClaims } from "../security/access-token";
import { randomBytes } from "../security/random";
import {
  CHALLENGE_BYTES,
  challengeKey,
  counterRegressed,
  creationOptions,
  readAssertion,
  readRegistration,
  requestOptions,
  WebAuthnRejected,
  type AuthenticationResponse,
  type RegistrationResponse,
} from "../security/webauthn";
import { callerSession } from "./caller";
import { reauthenticate } from "./reauthenticate";
import { grantOf, issueTokens, prepareSession, type IssuedTokens } from "./session-tokens";

export const MAX_PASSKEYS_PER_USER = 20;
/** A ceremony's challenge is good this long, and once. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
/**
 * RFC 8176 for a passkey sign-in: `hwk`, proof of a key held by an authenticator, and `mfa`, because
 * the service requires user verification (the authenticator checked a PIN or a biometric before
 * signing), so the key and the person were both checked. It satisfies two-factor sign-in.
 */
export const PASSKEY_AMR = ["hwk", "mfa"] as const;

function newChallenge(deps: Deps): { bytes: Uint8Array; stored: NewChallenge } {
  const bytes = randomBytes(CHALLENGE_BYTES);
  return { bytes, stored: { hash: challengeKey(bytes), expiresAt: new Date(deps.clock.now().getTime() + CHALLENGE_TTL_SECONDS * 1000) } };
}

/** Runs a WebAuthn check; a refusal becomes `refusal()`, logged with its reason (the client is told less). */
async function checked<T>(deps: Deps, check: () => T | Promise<T>, refusal: () => AppError): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (!(err instanceof WebAuthnRejected)) throw err;
    deps.log("warn", "passkey refused", { reason: err.message });
    throw refusal();
  }
}

const rejectedRegistration = () => new AppError("passkey_rejected");
const invalidPasskey = () => new AppError("invalid_passkey");

/** How the caller confirms it is them before adding a passkey: the password, or one of their passkeys. */
export type Reauthentication = { password: string } | { credential: AuthenticationResponse };

/**
 * Registration, first step: the caller confirmed again (like every sensitive change), then the browser's
 * creation options. With the password: its read and check, then one statement. With a passkey (an answer
 * to a sign-in challenge, from POST /auth/passkey/options): the challenge and the passkey's read, the
 * signature and counter checked as at sign-in, its use recorded, then the same statement.
 */
export async function startPasskeyRegistration(deps: Deps, caller: AccessClaims, proof: Reauthentication, client: ClientInfo) {
  if ("password" in proof) await reauthenticate(deps, caller, proof.password, client);
  else await confirmWithPasskey(deps, caller, proof.credential);
  const challenge = newChallenge(deps);
  const started = await startRegistration(deps.db, { ...callerSession(deps, caller), challenge: challenge.stored });
  if (!started) throw sessionEnded();
  if (started.count >= MAX_PASSKEYS_PER_USER) throw new AppError("too_many_passkeys");
  return creationOptions({
    rp: deps.config.relyingParty,
    challenge: challenge.bytes,
    user: { id: caller.sub, email: started.email, displayName: started.fullName ?? started.email },
    exclude: started.existing,
  });
}

async function confirmWithPasskey(deps: Deps, caller: AccessClaims, response: AuthenticationResponse): Promise<void> {
  const refused = () => new AppError("invalid_passkey_proof");
  const now = deps.clock.now();
  const assertion = await checked(deps, () => readAssertion(response, deps.config.relyingParty), refused);
  const { challengeLive, passkey } = await takeSignInChallenge(deps.db, { challengeHash: assertion.challengeKey, credentialId: assertion.credentialId, now });
  if (!challengeLive) throw new AppError("invalid_passkey_challenge");
  if (!passkey || passkey.userId !== caller.sub) throw refused();
  const reported = await checked(deps, () => assertion.verify(passkey), refused);
  refuseClone(deps, passkey, reported.signCount, refused);
  const used = await recordPasskeyUse(deps.db, { passkeyId: passkey.id, userId: caller.sub, readSignCount: passkey.signCount, ...reported, now });
  if (!used) throw refused();
}

/** §7.2 step 22: a counter gone backwards is a cloned authenticator, refused and logged for the operator. */
function refuseClone(deps: Deps, passkey: SignInKey, reported: number, refusal: () => AppError): void {
  if (!counterRegressed(passkey.signCount, reported)) return;
  deps.log("error", "passkey counter went backwards: a cloned authenticator?", {
    user_id: passkey.userId,
    passkey_id: passkey.id,
    stored: passkey.signCount,
    reported,
  });
  throw refusal();
}

/** Registration, second step: the authenticator's answer checked, the passkey stored under the caller. */
export async function finishPasskeyRegistration(deps: Deps, caller: AccessClaims, input: { response: RegistrationResponse; name?: string }): Promise<PasskeyRecord> {
  const read = await checked(deps, () => readRegistration(input.response, deps.config.relyingParty), rejectedRegistration);
  const session = callerSession(deps, caller);
  let outcome;
  try {
    outcome = await finishRegistration(deps.db, {
      ...session,
      challengeHash: read.challengeKey,
      maxPerUser: MAX_PASSKEYS_PER_USER,
      passkey: { ...read.passkey, id: crypto.randomUUID(), name: input.name?.trim() || defaultName(session.now) },
    });
  } catch (err) {
    // The same credential stored by another request in the same instant.
    if (violatedUniqueConstraint(err) === "passkeys_credential_id_idx") throw new AppError("passkey_already_registered");
    throw err;
  }
  switch (outcome.kind) {
    case "registered":
      deps.log("info", "passkey registered", { user_id: caller.sub, passkey_id: outcome.passkey.id });
      return outcome.passkey;
    case "signed_out":
      throw sessionEnded();
    case "no_challenge":
      throw new AppError("invalid_passkey_challenge");
    case "already_registered":
      throw new AppError("passkey_already_registered");
    case "limit_reached":
      throw new AppError("too_many_passkeys");
  }
}

const defaultName = (now: Date) => `Passkey added ${now.toISOString().slice(0, 10)}`;

export async function listOwnPasskeys(deps: Deps, caller: AccessClaims): Promise<PasskeyRecord[]> {
  const found = await listPasskeys(deps.db, callerSession(deps, caller));
  if (!found) throw sessionEnded();
  return found;
}

export async function renameOwnPasskey(deps: Deps, caller: AccessClaims, passkeyId: string, name: string): Promise<PasskeyRecord> {
  const renamed = await renamePasskey(deps.db, { ...callerSession(deps, caller), passkeyId, name: name.trim() });
  if (renamed === null) throw sessionEnded();
  if (renamed === "not_found") throw new AppError("passkey_not_found");
  return renamed;
}

export async function deleteOwnPasskey(deps: Deps, caller: AccessClaims, passkeyId: string): Promise<void> {
  const outcome = await deletePasskey(deps.db, { ...callerSession(deps, caller), passkeyId });
  if (outcome === null) throw sessionEnded();
  if (outcome === "not_found") throw new AppError("passkey_not_found");
  deps.log("info", "passkey removed", { user_id: caller.sub, passkey_id: passkeyId });
}

/** Sign-in, first step: options for any passkey of this site (discoverable credentials: no email asked). */
export async function startPasskeySignIn(deps: Deps) {
  const challenge = newChallenge(deps);
  await storeSignInChallenge(deps.db, challenge.stored);
  return requestOptions({ rp: deps.config.relyingParty, challenge: challenge.bytes });
}

/**
 * Sign-in, second step, two round trips: the challenge consumed and the passkey read, then (after the
 * signature verifies in the worker) the counter moved and the session opened.
 */
export async function finishPasskeySignIn(deps: Deps, response: AuthenticationResponse, client: ClientInfo): Promise<IssuedTokens> {
  const assertion = await checked(deps, () => readAssertion(response, deps.config.relyingParty), invalidPasskey);
  const now = deps.clock.now();
  const { challengeLive, passkey } = await takeSignInChallenge(deps.db, { challengeHash: assertion.challengeKey, credentialId: assertion.credentialId, now });
  if (!challengeLive) throw new AppError("invalid_passkey_challenge");
  if (!passkey || (assertion.userHandle !== null && assertion.userHandle !== passkey.userId)) {
    deps.log("warn", "passkey refused", { reason: passkey ? "the user handle is not the passkey's user" : "unknown credential" });
    throw invalidPasskey();
  }
  const reported = await checked(deps, () => assertion.verify(passkey), invalidPasskey);
  refuseClone(deps, passkey, reported.signCount, invalidPasskey);
  const prepared = prepareSession(deps, client, PASSKEY_AMR);
  const user = await completePasskeySignIn(deps.db, {
    passkeyId: passkey.id,
    readSignCount: passkey.signCount,
    signCount: reported.signCount,
    backedUp: reported.backedUp,
    now,
    session: prepared.session,
  });
  // Removed meanwhile, or another sign-in moved its counter first.
  if (!user) throw invalidPasskey();
  return issueTokens(deps, user, grantOf(prepared));
}
