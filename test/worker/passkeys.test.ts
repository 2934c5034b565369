// Passkeys through the API, with a software authenticator (./software-authenticator.ts): registration,
// usernameless sign-in, what the user can see and change, and the refusals a relying party owes: wrong
// origin or rp id, a replayed or expired challenge, a counter going backwards, someone else's credential,
// a signature that does not verify; and one assertion raced against itself.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixedClock } from "../../src/clock";
import {
  addPasskey,
  call,
  countRows,
  createVerifiedUser,
  dbQuery,
  enableTotp,
  expectProblem,
  PASSKEY_ORIGIN,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  PASSWORD,
  roundTrips,
  workerWith,
  type TokenBody,
} from "./helpers";
import { SoftwareAuthenticator, type Bend, type CreationOptionsJSON } from "./software-authenticator";

const ORIGIN = PASSKEY_ORIGIN;
type Caller = typeof call;

const claims = (jwt: string) => JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { amr?: string[]; sub: string };

const registrationOptions = passkeyRegistrationOptions;
const signInOptions = passkeySignInOptions;

/** A signed-in user with a passkey on `authenticator`. */
async function withPasskey(authenticator = new SoftwareAuthenticator(ORIGIN), via: Caller = call) {
  const user = await createVerifiedUser({}, via);
  return { user, ...(await addPasskey(user.token, authenticator, via)) };
}

const signInWith = async (authenticator: SoftwareAuthenticator, bend: Bend = {}, via: Caller = call) =>
  via("POST", "/auth/passkey", { body: { credential: await authenticator.assert(await signInOptions(via), bend) } });

describe("registering a passkey", () => {
  it("needs the password, offers the three algorithms, and lists what it stored", async () => {
    const user = await createVerifiedUser();
    await expectProblem(await call("POST", "/users/me/passkeys/options", { token: user.token, body: { password: "not it at all" } }), 403, "invalid_password");
    const { result: optionsRes, trips } = await roundTrips(() => call("POST", "/users/me/passkeys/options", { token: user.token, body: { password: PASSWORD } }));
    expect(trips).toBe(2);
    const options = (await optionsRes.json()) as CreationOptionsJSON & { authenticatorSelection: object; attestation: string };
    expect(options.rp).toEqual({ id: "accounts.test", name: "Accounts Test" });
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(options.attestation).toBe("none");
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(atob(options.user.id.replace(/-/g, "+").replace(/_/g, "/"))).toBe(user.tokens.user.id);
    expect(options.excludeCredentials).toEqual([]);

    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const res = await call("POST", "/users/me/passkeys", { token: user.token, body: { credential: await authenticator.register(options) } });
    expect(res.status).toBe(201);
    const added = (await res.json()) as { id: string; name: string; backed_up: boolean; transports: string[]; last_used_at: string | null };
    expect(added).toMatchObject({ backed_up: false, transports: ["internal", "hybrid"], last_used_at: null });
    expect(added.name).toMatch(/^Passkey added \d{4}-\d{2}-\d{2}$/);
    const listed = (await (await call("GET", "/users/me/passkeys", { token: user.token })).json()) as { items: { id: string }[] };
    expect(listed.items.map((k) => k.id)).toEqual([added.id]);
    // The next options name it, so the browser does not make a second passkey on the same authenticator.
    expect((await registrationOptions(user.token)).excludeCredentials.map((c) => c.id)).toEqual([authenticator.credentialId]);
  });

  it.each([
    ["another origin", { origin: "https://evil.test" }],
    ["another rp id", { rpId: "evil.test" }],
    ["a get ceremony's client data", { type: "webauthn.get" }],
    ["no user verification", { userVerified: false }],
    ["a cross-origin frame", { crossOrigin: true }],
  ] as [string, Bend][])("refuses %s, and adds nothing", async (_, bend) => {
    const user = await createVerifiedUser();
    const credential = await new SoftwareAuthenticator(ORIGIN).register(await registrationOptions(user.token), bend);
    await expectProblem(await call("POST", "/users/me/passkeys", { token: user.token, body: { credential } }), 400, "passkey_rejected");
    expect(await countRows("select count(*) from passkeys where user_id = $1", [user.tokens.user.id])).toBe(0);
  });

  it("takes a challenge once, only from the session that asked, and for 5 minutes", async () => {
    const clock = fixedClock(new Date());
    const w = workerWith(clock);
    const user = await createVerifiedUser({}, w);
    const options = await registrationOptions(user.token, w);
    const first = await new SoftwareAuthenticator(ORIGIN).register(options);
    // Another session of the same user may not finish this one's ceremony.
    const other = (await (await w("POST", "/auth/login", { body: { email: user.email, password: PASSWORD } })).json()) as TokenBody;
    await expectProblem(await w("POST", "/users/me/passkeys", { token: other.access_token, body: { credential: first } }), 400, "invalid_passkey_challenge");
    // Nor another user.
    const stranger = await createVerifiedUser({}, w);
    await expectProblem(await w("POST", "/users/me/passkeys", { token: stranger.token, body: { credential: first } }), 400, "invalid_passkey_challenge");
    expect((await w("POST", "/users/me/passkeys", { token: user.token, body: { credential: first } })).status).toBe(201);
    // Used: a second authenticator answering the same challenge is refused.
    const second = await new SoftwareAuthenticator(ORIGIN).register(options);
    await expectProblem(await w("POST", "/users/me/passkeys", { token: user.token, body: { credential: second } }), 400, "invalid_passkey_challenge");

    const late = await new SoftwareAuthenticator(ORIGIN).register(await registrationOptions(user.token, w));
    clock.advance(5 * 60 * 1000 + 1);
    await expectProblem(await w("POST", "/users/me/passkeys", { token: user.token, body: { credential: late } }), 400, "invalid_passkey_challenge");
  });

  it("refuses a credential that is already registered, to anyone", async () => {
    const { user, authenticator } = await withPasskey();
    const again = await authenticator.register(await registrationOptions(user.token));
    // register() makes a new key pair under the same credential id: the id is what is refused.
    await expectProblem(await call("POST", "/users/me/passkeys", { token: user.token, body: { credential: again } }), 409, "passkey_already_registered");
    const other = await createVerifiedUser();
    const stolen = await authenticator.register(await registrationOptions(other.token));
    await expectProblem(await call("POST", "/users/me/passkeys", { token: other.token, body: { credential: stolen } }), 409, "passkey_already_registered");
  });

  it("answers 422 naming the field for a malformed credential", async () => {
    const user = await createVerifiedUser();
    const credential = await new SoftwareAuthenticator(ORIGIN).register(await registrationOptions(user.token));
    const bad = { ...credential, response: { ...credential.response, attestationObject: "not base64url!" } };
    const problem = await expectProblem(await call("POST", "/users/me/passkeys", { token: user.token, body: { credential: bad } }), 422, "validation_error");
    expect(problem.errors?.map((e) => e.loc.join("."))).toContain("body.credential.response.attestationObject");
  });

  it("renames and removes passkeys, only the owner's", async () => {
    const { user, passkey, authenticator } = await withPasskey();
    const stranger = await createVerifiedUser();
    await expectProblem(await call("PATCH", `/users/me/passkeys/${passkey.id}`, { token: stranger.token, body: { name: "Mine now" } }), 404, "passkey_not_found");
    await expectProblem(await call("DELETE", `/users/me/passkeys/${passkey.id}`, { token: stranger.token }), 404, "passkey_not_found");
    const renamed = await call("PATCH", `/users/me/passkeys/${passkey.id}`, { token: user.token, body: { name: "  Work laptop " } });
    expect(((await renamed.json()) as { name: string }).name).toBe("Work laptop");
    for (const name of ["", "   ", "a\u0000b", "x".repeat(65)]) {
      const refused = await expectProblem(await call("PATCH", `/users/me/passkeys/${passkey.id}`, { token: user.token, body: { name } }), 422, "validation_error");
      expect(refused.errors?.map((e) => e.loc.join("."))).toEqual(["body.name"]);
    }
    expect((await call("DELETE", `/users/me/passkeys/${passkey.id}`, { token: user.token })).status).toBe(204);
    expect(((await (await call("GET", "/users/me/passkeys", { token: user.token })).json()) as { items: unknown[] }).items).toEqual([]);
    await expectProblem(await signInWith(authenticator), 401, "invalid_passkey");
  });

  it("takes one of the account's passkeys instead of the password, and no one else's", async () => {
    const { user, authenticator } = await withPasskey();
    const proof = async (bend: Bend = {}, who = authenticator) => who.assert(await signInOptions(), bend);
    const { result: res, trips } = await roundTrips(async () => call("POST", "/users/me/passkeys/options", { token: user.token, body: { credential: await proof() } }));
    expect(res.status, await res.clone().text()).toBe(200);
    // The sign-in options' statement, then the challenge and the passkey, its use, the registration's challenge.
    expect(trips).toBe(4);
    const second = new SoftwareAuthenticator(ORIGIN);
    const credential = await second.register((await res.json()) as CreationOptionsJSON);
    expect((await call("POST", "/users/me/passkeys", { token: user.token, body: { credential } })).status).toBe(201);

    await expectProblem(await call("POST", "/users/me/passkeys/options", { token: user.token, body: { credential: await proof({ badSignature: true }) } }), 403, "invalid_passkey_proof");
    const stranger = await withPasskey();
    await expectProblem(await call("POST", "/users/me/passkeys/options", { token: user.token, body: { credential: await proof({}, stranger.authenticator) } }), 403, "invalid_passkey_proof");
    const used = await proof();
    expect((await call("POST", "/users/me/passkeys/options", { token: user.token, body: { credential: used } })).status).toBe(200);
    await expectProblem(await call("POST", "/users/me/passkeys/options", { token: user.token, body: { credential: used } }), 400, "invalid_passkey_challenge");
  });

  it("asks for the password or a passkey, one of them, naming the field", async () => {
    const { user, authenticator } = await withPasskey();
    const both = await call("POST", "/users/me/passkeys/options", { token: user.token, body: { password: PASSWORD, credential: await authenticator.assert(await signInOptions()) } });
    expect((await expectProblem(both, 422, "validation_error")).errors?.map((e) => e.loc.join("."))).toContain("body.password");
    const neither = await call("POST", "/users/me/passkeys/options", { token: user.token, body: {} });
    expect((await expectProblem(neither, 422, "validation_error")).errors?.map((e) => e.loc.join("."))).toContain("body.password");
  });

  it("keeps at most 20 per account, also when the 20th and 21st race", async () => {
    const user = await createVerifiedUser();
    await dbQuery("update users set passkey_count = 19 where id = $1", [user.tokens.user.id]);
    const [a, b] = [new SoftwareAuthenticator(ORIGIN), new SoftwareAuthenticator(ORIGIN)];
    const [ca, cb] = [await a.register(await registrationOptions(user.token)), await b.register(await registrationOptions(user.token))];
    const answers = await Promise.all([ca, cb].map((credential) => call("POST", "/users/me/passkeys", { token: user.token, body: { credential } })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    await expectProblem(answers.find((r) => r.status === 409)!, 409, "too_many_passkeys");
    await expectProblem(await call("POST", "/users/me/passkeys/options", { token: user.token, body: { password: PASSWORD } }), 409, "too_many_passkeys");
  });
});

describe("signing in with a passkey", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(["ES256", "EdDSA", "RS256"] as const)("with %s: no email, two round trips, the tokens of a password sign-in with amr hwk+mfa", async (alg) => {
    const { user, authenticator } = await withPasskey(new SoftwareAuthenticator(ORIGIN, alg));
    const options = await signInOptions();
    expect(options).toMatchObject({ rpId: "accounts.test", userVerification: "required", allowCredentials: [] });
    const credential = await authenticator.assert(options);
    const { result: res, trips } = await roundTrips(() => call("POST", "/auth/passkey", { body: { credential } }));
    expect(trips).toBe(2);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    const tokens = (await res.json()) as TokenBody;
    expect(tokens.user.email).toBe(user.email);
    expect(claims(tokens.access_token)).toMatchObject({ sub: user.tokens.user.id, amr: ["hwk", "mfa"] });
    expect((await call("GET", "/users/me", { token: tokens.access_token })).status).toBe(200);
    const listed = (await (await call("GET", "/users/me/passkeys", { token: user.token })).json()) as { items: { last_used_at: string | null }[] };
    expect(listed.items[0]!.last_used_at).not.toBeNull();
  });

  it("counts as both factors: with TOTP on, no code is asked", async () => {
    const { user, authenticator } = await withPasskey();
    await enableTotp(user.token);
    await expectProblem(await call("POST", "/auth/login", { body: { email: user.email, password: PASSWORD } }), 403, "mfa_required");
    expect((await signInWith(authenticator)).status).toBe(200);
  });

  it("takes an assertion once: the same answer again is refused", async () => {
    const { authenticator } = await withPasskey();
    const credential = await authenticator.assert(await signInOptions());
    expect((await call("POST", "/auth/passkey", { body: { credential } })).status).toBe(200);
    await expectProblem(await call("POST", "/auth/passkey", { body: { credential } }), 400, "invalid_passkey_challenge");
  });

  it("refuses a challenge older than 5 minutes, and one the service never gave", async () => {
    const clock = fixedClock(new Date());
    const w = workerWith(clock);
    const { authenticator } = await withPasskey(undefined, w);
    const credential = await authenticator.assert(await signInOptions(w));
    clock.advance(5 * 60 * 1000 + 1);
    await expectProblem(await w("POST", "/auth/passkey", { body: { credential } }), 400, "invalid_passkey_challenge");
    const madeUp = await authenticator.assert({ challenge: "bWFkZS11cC1jaGFsbGVuZ2UtYnl0ZXMtMzItbG9uZyE", rpId: "accounts.test" });
    await expectProblem(await w("POST", "/auth/passkey", { body: { credential: madeUp } }), 400, "invalid_passkey_challenge");
  });

  it.each([
    ["another origin", { origin: "https://accounts.test.evil.test" }],
    ["another rp id", { rpId: "test" }],
    ["no user verification", { userVerified: false }],
    ["a signature that does not verify", { badSignature: true }],
    ["a create ceremony's client data", { type: "webauthn.create" }],
  ] as [string, Bend][])("refuses %s", async (_, bend) => {
    const { authenticator } = await withPasskey();
    await expectProblem(await signInWith(authenticator, bend), 401, "invalid_passkey");
  });

  it("refuses a counter that went backwards (a cloned authenticator), and logs it as an error", async () => {
    const { user, authenticator, passkey } = await withPasskey();
    expect((await signInWith(authenticator, { signCount: 7 })).status).toBe(200);
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(" ")));
    await expectProblem(await signInWith(authenticator, { signCount: 7 }), 401, "invalid_passkey");
    await expectProblem(await signInWith(authenticator, { signCount: 3 }), 401, "invalid_passkey");
    const logged = errors.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.message).includes("counter went backwards"));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ user_id: user.tokens.user.id, passkey_id: passkey.id, stored: 7, reported: 7 });
    expect((await signInWith(authenticator, { signCount: 8 })).status).toBe(200);
  });

  it("takes a synced passkey's counter of 0 every time", async () => {
    const { authenticator } = await withPasskey(new SoftwareAuthenticator(ORIGIN, "ES256", true));
    for (let i = 0; i < 3; i++) expect((await signInWith(authenticator)).status).toBe(200);
  });

  it("refuses someone else's credential id with another key's signature, and an unknown credential", async () => {
    const victim = await withPasskey();
    const attacker = await withPasskey();
    // The attacker's authenticator signs, naming the victim's credential.
    Object.defineProperty(attacker.authenticator, "credentialId", { value: victim.authenticator.credentialId });
    attacker.authenticator.userHandle = victim.authenticator.userHandle;
    await expectProblem(await signInWith(attacker.authenticator), 401, "invalid_passkey");
    const unknown = new SoftwareAuthenticator(ORIGIN);
    await unknown.register(await registrationOptions((await createVerifiedUser()).token));
    await expectProblem(await signInWith(unknown), 401, "invalid_passkey");
  });

  it("the same assertion twice at once: one session", async () => {
    const { user, authenticator } = await withPasskey();
    const credential = await authenticator.assert(await signInOptions());
    const sessionsBefore = await countRows("select count(*) from sessions where user_id = $1", [user.tokens.user.id]);
    const answers = await Promise.all([0, 1].map(() => call("POST", "/auth/passkey", { body: { credential } })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await countRows("select count(*) from sessions where user_id = $1", [user.tokens.user.id])).toBe(sessionsBefore + 1);
  });
});
