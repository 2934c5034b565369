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
  type PasskeyUse,
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
import { grantOf, issueTokens, PASSKEY, prepareSession, type IssuedTokens } from "./session-tokens";

export const MAX_PASSKEYS_PER_USER = 20;
/** A ceremony's challenge is good this long, and once. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
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
  const use = await checkAssertion(deps, response, refused, caller.sub);
  if (!(await recordPasskeyUse(deps.db, { ...use, userId: caller.sub }))) throw refused();
}

/**
 * An assertion checked as §7.2 asks, both where it signs in and where it confirms the caller (`owner`):
 * the challenge consumed and the passkey read (one round trip), the client and authenticator data, the
 * signature with the stored key, and the counter. Answers the use to record; any refusal is `refusal()`.
 */
async function checkAssertion(deps: Deps, response: AuthenticationResponse, refusal: () => AppError, owner?: string): Promise<PasskeyUse> {
  const assertion = await checked(deps, () => readAssertion(response, deps.config.relyingParty), refusal);
  const now = deps.clock.now();
  const { challengeLive, passkey } = await takeSignInChallenge(deps.db, { challengeHash: assertion.challengeKey, credentialId: assertion.credentialId, now });
  if (!challengeLive) throw new AppError("invalid_passkey_challenge");
  const refuse = (reason: string) => {
    deps.log("warn", "passkey refused", { reason });
    return refusal();
  };
  if (!passkey) throw refuse("unknown credential");
  if (assertion.userHandle !== null && assertion.userHandle !== passkey.userId) throw refuse("the user handle is not the passkey's user");
  if (owner !== undefined && passkey.userId !== owner) throw refuse("another account's passkey");
  const reported = await checked(deps, () => assertion.verify(passkey), refusal);
  // §7.2 step 22: a counter gone backwards is a cloned authenticator, refused and logged for the operator.
  if (counterRegressed(passkey.signCount, reported.signCount)) {
    deps.log("error", "passkey counter went backwards: a cloned authenticator?", {
      user_id: passkey.userId,
      passkey_id: passkey.id,
      stored: passkey.signCount,
      reported: reported.signCount,
    });
    throw refusal();
  }
  return { passkeyId: passkey.id, readSignCount: passkey.signCount, ...reported, now };
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
  const use = await checkAssertion(deps, response, invalidPasskey);
  const prepared = prepareSession(deps, client, PASSKEY);
  const user = await completePasskeySignIn(deps.db, { ...use, session: prepared.session });
  // Removed meanwhile, or another sign-in moved its counter first.
  if (!user) throw invalidPasskey();
  return issueTokens(deps, user, grantOf(prepared));
}
