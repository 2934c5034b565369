// Passkey responses with bytes no honest browser or authenticator sends, through the API: authenticator
// data cut short or running on, a credential id or CBOR length claiming more than is there, CBOR that
// WebAuthn does not use (indefinite lengths, tags, floats, integers past 2^53), duplicate map keys,
// nesting too deep, client data of the wrong shape. Each is the refusal any bad passkey gets (400
// passkey_rejected at registration, 401 invalid_passkey at sign-in), logged with the reason that names
// the check, never a 500. And what must still be taken: extensions, a packed attestation statement,
// nesting up to the limit.
import fc from "fast-check";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { WebAuthnRejected, readRegistration } from "../../src/security/webauthn";
import { addPasskey, call, createVerifiedUser, expectProblem, PASSKEY_ORIGIN, passkeyRegistrationOptions, passkeySignInOptions } from "./helpers";
import { b64url, cbor, concat, SoftwareAuthenticator, type Bend, type Cbor } from "./software-authenticator";

const ORIGIN = PASSKEY_ORIGIN;
const bytes = (...values: number[]) => Uint8Array.from(values);

/** Authenticator data with the ED flag and `extensions` after what it had. */
const withExtensions = (extensions: Uint8Array) => (authData: Uint8Array) => {
  const out = concat(authData, extensions);
  out[32] = out[32]! | 0x80;
  return out;
};
/** The attestation object the authenticator would send ("none"), with `attStmt` and `fmt` as given. */
const attestation = (attStmt: Uint8Array, fmt: Uint8Array = cbor("none")) => (authData: Uint8Array) =>
  concat(bytes(0xa3), cbor("fmt"), fmt, cbor("attStmt"), attStmt, cbor("authData"), cbor(authData));
const none = attestation(cbor(new Map()));

let user: Awaited<ReturnType<typeof createVerifiedUser>>;
let reasons: string[];
beforeAll(async () => {
  user = await createVerifiedUser();
});
beforeEach(() => {
  reasons = [];
  vi.spyOn(console, "warn").mockImplementation((line: unknown) => {
    const logged = JSON.parse(String(line)) as { message: string; reason?: string };
    if (logged.message === "passkey refused") reasons.push(logged.reason!);
  });
});
afterEach(() => vi.restoreAllMocks());

const register = async (bend: Bend, authenticator = new SoftwareAuthenticator(ORIGIN)) =>
  call("POST", "/users/me/passkeys", { token: user.token, body: { credential: await authenticator.register(await passkeyRegistrationOptions(user.token), bend) } });

describe("registering a passkey", () => {
  it.each([
    // Authenticator data (§6.1) and the attested credential data in it (§6.5.1).
    ["authenticator data of 36 bytes", { authData: (d) => d.subarray(0, 36) }, /^authenticator data under 37 bytes$/],
    ["attested credential data cut inside its header", { authData: (d) => d.subarray(0, 50) }, /^attested credential data cut short$/],
    ["a credential id length past the end", { authData: (d) => concat(d.subarray(0, 53), bytes(0xff, 0xff), d.subarray(55)) }, /^a credential id longer than the authenticator data$/],
    ["a credential public key cut short", { authData: (d) => d.subarray(0, d.length - 1) }, /^malformed CBOR in the credential public key: truncated$/],
    ["a byte after the credential public key", { authData: (d) => concat(d, bytes(0x00)) }, /^bytes left after the authenticator data: 1$/],
    ["the extensions flag with no extensions", { authData: withExtensions(new Uint8Array()) }, /^malformed CBOR in the authenticator extensions: truncated$/],
    ["extensions that are not a map", { authData: withExtensions(cbor(2)) }, /^the authenticator extensions are not a CBOR map$/],
    // The credential public key (a COSE key).
    ["a COSE key that is not a map", { coseKey: () => cbor([1, 2]) }, /^the credential public key is not a CBOR map$/],
    ["a COSE key with a second x", { coseKey: (k) => concat(bytes(0xa6), k.subarray(1), cbor(-2), cbor(new Uint8Array(32))) }, /duplicate map key -2$/],
    ["a COSE key of indefinite length", { coseKey: (k) => concat(bytes(0xbf), k.subarray(1), bytes(0xff)) }, /indefinite length$/],
    ["a COSE key's byte string claiming 4 GiB", { coseKey: () => concat(bytes(0xa1), cbor(-2), bytes(0x5a, 0xff, 0xff, 0xff, 0xff)) }, /^malformed CBOR in the credential public key: truncated$/],
    ["a COSE key claiming 2^53 - 1 entries", { coseKey: () => bytes(0xbb, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01) }, /^malformed CBOR in the credential public key: truncated$/],
    ["a COSE key's byte string longer than 2^53 - 1", { coseKey: () => concat(bytes(0xa1), cbor(-2), bytes(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)) }, /over 2\^53 - 1$/],
    ["an Ed25519 key of 31 bytes", { coseKey: () => cbor(new Map<number, Cbor>([[1, 1], [3, -8], [-1, 6], [-2, new Uint8Array(31)]])) }, /^unreadable public key: its x$/],
    ["a P-256 key whose point is off the curve", { coseKey: () => cbor(new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, new Uint8Array(32).fill(1)], [-3, new Uint8Array(32).fill(2)]])) }, /^a public key WebCrypto cannot import$/],
    ["an Ed25519 key carrying its private key", { coseKey: () => cbor(new Map<number, Cbor>([[1, 1], [3, -8], [-1, 6], [-2, new Uint8Array(32)], [-4, new Uint8Array(32)]])) }, /^a public key carrying its private key$/],
    // The attestation object around it.
    ["a byte after the attestation object", { attestationObject: (a) => concat(none(a), bytes(0x00)) }, /^malformed CBOR in attestationObject: bytes left after the item: 1$/],
    ["a second authData", { attestationObject: (a) => concat(bytes(0xa4), none(a).subarray(1), cbor("authData"), cbor(a)) }, /duplicate map key "authData"$/],
    ["an attestation statement of indefinite length", { attestationObject: attestation(bytes(0xbf, 0xff)) }, /indefinite length$/],
    ["an attestation statement nested too deep", { attestationObject: attestation(cbor(new Map([["x5c", [[[bytes(0)]]]]]))) }, /nested more than 4 deep$/],
    ["a tagged authData", { attestationObject: (a) => concat(bytes(0xa3), cbor("fmt"), cbor("none"), cbor("attStmt"), cbor(new Map()), cbor("authData"), bytes(0xd8, 0x18), cbor(a)) }, /a tag$/],
    ["a float", { attestationObject: attestation(concat(bytes(0xa1), cbor("alg"), bytes(0xf9, 0x3c, 0x00))) }, /a float/],
    ["an integer past 2^53", { attestationObject: attestation(concat(bytes(0xa1), cbor("alg"), bytes(0x3b, 0x00, 0x20, 0, 0, 0, 0, 0, 0))) }, /over 2\^53 - 1$/],
    ["a format name that is not UTF-8", { attestationObject: attestation(cbor(new Map()), bytes(0x62, 0xc3, 0x28)) }, /not UTF-8$/],
    ["an attestation object that is not a map", { attestationObject: (a) => cbor([a]) }, /^attestationObject has no authData$/],
    // The client data.
    ["client data that is not JSON", { clientDataJSON: (j) => j.slice(1) }, /^clientDataJSON is not JSON$/],
    ["client data that is a JSON array", { clientDataJSON: (j) => `[${j}]` }, /^clientDataJSON is not a JSON object$/],
    ["client data without its origin", { clientDataJSON: (j) => JSON.stringify({ ...JSON.parse(j), origin: undefined }) }, /^clientData.origin is missing or not a string$/],
    ["a crossOrigin that is not a boolean", { clientDataJSON: (j) => JSON.stringify({ ...JSON.parse(j), crossOrigin: "false" }) }, /^clientData.crossOrigin is not a boolean$/],
    ["a challenge that is not base64url", { challenge: "not base64url!" }, /^clientData.challenge is not base64url$/],
  ] as [string, Bend, RegExp][])("refuses %s", async (_, bend, reason) => {
    await expectProblem(await register(bend), 400, "passkey_rejected");
    expect(reasons).toEqual([expect.stringMatching(reason)]);
  });

  it.each([
    ["extensions after the credential (credProtect)", { authData: withExtensions(cbor(new Map([["credProtect", 2]]))) }],
    [
      "a packed attestation statement with its certificate chain, unverified",
      { attestationObject: attestation(cbor(new Map<string, Cbor>([["alg", -7], ["sig", new Uint8Array(71)], ["x5c", [new Uint8Array(600), new Uint8Array(500)]]])), cbor("packed")) },
    ],
    ["an attestation statement nested to the limit", { attestationObject: attestation(cbor(new Map([["x5c", [[bytes(0)]]]]))) }],
  ] as [string, Bend][])("takes %s", async (_, bend) => {
    const res = await register(bend);
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("on any attestation object, reads it or refuses it, and never fails otherwise", async () => {
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const rp = { id: "accounts.test", name: "Accounts Test", origins: [ORIGIN] };
    const credential = await authenticator.register(await passkeyRegistrationOptions(user.token));
    const sample = Uint8Array.from(atob(credential.response.attestationObject.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const edits = fc.array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    const cut = fc.nat(sample.length - 1);
    const variant = fc.oneof(
      edits.map((changes) => {
        const copy = sample.slice();
        for (const [at, byte] of changes) copy[at] = byte;
        return copy;
      }),
      cut.map((length) => sample.subarray(0, length)),
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(variant, async (attestationObject) => {
        try {
          await readRegistration({ ...credential, response: { ...credential.response, attestationObject: b64url(attestationObject) } }, rp);
        } catch (err) {
          if (!(err instanceof WebAuthnRejected)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("signing in with a passkey", () => {
  let authenticator: SoftwareAuthenticator;
  beforeAll(async () => {
    ({ authenticator } = await addPasskey(user.token));
  });
  const signIn = async (bend: Bend) => call("POST", "/auth/passkey", { body: { credential: await authenticator.assert(await passkeySignInOptions(), bend) } });

  it.each([
    ["authenticator data of 36 bytes", { authData: (d) => d.subarray(0, 36) }, /^authenticator data under 37 bytes$/],
    ["a byte after the authenticator data", { authData: (d) => concat(d, bytes(0x00)) }, /^bytes left after the authenticator data: 1$/],
    ["the attested credential data flag with nothing after", { authData: (d) => concat(d.subarray(0, 32), bytes(d[32]! | 0x40), d.subarray(33)) }, /^attested credential data cut short$/],
    ["extensions naming hmac-secret twice", { authData: withExtensions(concat(bytes(0xa2), cbor("hmac-secret"), cbor(new Uint8Array(32)), cbor("hmac-secret"), cbor(new Uint8Array(32)))) }, /duplicate map key "hmac-secret"$/],
    ["extensions of indefinite length", { authData: withExtensions(concat(bytes(0xbf), cbor("credProtect"), cbor(2), bytes(0xff))) }, /indefinite length$/],
  ] as [string, Bend, RegExp][])("refuses %s", async (_, bend, reason) => {
    await expectProblem(await signIn(bend), 401, "invalid_passkey");
    expect(reasons).toEqual([expect.stringMatching(reason)]);
  });

  it("takes extensions (hmac-secret's output), signed with the rest", async () => {
    const res = await signIn({ authData: withExtensions(cbor(new Map([["hmac-secret", new Uint8Array(32)]]))) });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});
