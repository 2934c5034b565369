// The browser's side of a passkey: the vendored @simplewebauthn/browser (copied into static/vendor by
// dev/vendor-assets.mjs) turns the API's options JSON into navigator.credentials' arguments and the
// answer back into the JSON the API takes. What this module adds is the words: a ceremony that fails
// rejects with an ApiError saying why, so forms show it like any refusal of the server's.
import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from "/vendor/simplewebauthn/index.js";
import { ApiError, request } from "./api.js";

/** False in a browser without WebAuthn (or where it is turned off): no passkey can be made or used there. */
export const passkeysSupported = () => browserSupportsWebAuthn();

/** Makes a new passkey from POST /users/me/passkeys/options' answer; resolves to what POST /users/me/passkeys takes. */
export const createPasskey = (optionsJSON) => ceremony(() => startRegistration({ optionsJSON }), "create");

/**
 * Has the person pick one of this site's passkeys, for a fresh challenge of POST /auth/passkey/options;
 * resolves to what POST /auth/passkey (or, to confirm it is them, POST /users/me/passkeys/options) takes.
 */
export async function usePasskey() {
  const optionsJSON = await request("POST", "/auth/passkey/options");
  return ceremony(() => startAuthentication({ optionsJSON }), "get");
}

const UNSUITABLE =
  "This authenticator cannot hold a passkey for this site: it must keep the passkey itself and check your fingerprint, face or PIN. Try another device or password manager.";

// By @simplewebauthn's WebAuthnError codes (its reading of the browser's DOMException in context).
const BY_CODE = {
  ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED: "This device or password manager already holds a passkey for your account. It is in your list; no second one is needed.",
  ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT: UNSUITABLE,
  ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT: UNSUITABLE,
  ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG: UNSUITABLE,
  ERROR_INVALID_DOMAIN: `Passkeys do not work at this address (${location.hostname}). Open the app by its usual name.`,
  ERROR_INVALID_RP_ID: `Passkeys for this service are not set up for this address (${location.hostname}). Open the app by its usual name.`,
  ERROR_CEREMONY_ABORTED: "The passkey request was interrupted. Please try again.",
};

// NotAllowedError is what a browser says for a cancelled dialog, a timeout, and (by design, so a page
// cannot probe for them) for having no passkey of this site: one sentence must cover all of them.
const NOT_ALLOWED = {
  create: "No passkey was made: the request was cancelled, or it timed out. Try again when you are ready.",
  get: "No passkey was used: the request was cancelled or timed out, or this device has no passkey for this site. You can sign in with your password instead.",
};

async function ceremony(run, action) {
  try {
    return await run();
  } catch (err) {
    // Status 0: the server was not asked; the detail is all a form shows.
    throw new ApiError(0, { detail: describe(err, action) });
  }
}

function describe(err, action) {
  if (err?.name === "NotAllowedError") return NOT_ALLOWED[action];
  if (err instanceof WebAuthnError && BY_CODE[err.code]) return BY_CODE[err.code];
  const verb = action === "create" ? "make a passkey" : "use a passkey";
  return `The browser could not ${verb}${err?.message ? `: ${err.message}` : "."}`;
}
