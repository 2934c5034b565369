// Accounts brought from the FastAPI services keep their passwords: hashes made by passlib itself
// (test/fixtures/legacy-hashes.json, from test/fixtures/make-legacy-hashes.py with Debian's
// python3-passlib) sign in with the original password, are replaced by our scrypt in the sign-in's own
// statement, and sign in again; a wrong password against them costs a scrypt check too.
import { describe, expect, it } from "vitest";
import fixtures from "../fixtures/legacy-hashes.json";
import { call, createVerifiedUser, dbQuery, expectProblem, roundTrips, type TokenBody } from "./helpers";

/** A verified account whose stored hash is `hash`, as an import would leave it. */
async function importedAccount(hash: string) {
  const user = await createVerifiedUser();
  await dbQuery("update users set password_hash = $1 where id = $2", [hash, user.tokens.user.id]);
  return user;
}

const storedHash = async (userId: string) => (await dbQuery("select password_hash from users where id = $1", [userId]))[0]![0]!;
const hashMs = (res: Response) => Number(/hash;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? 0);

describe("signing in with a hash from passlib", () => {
  it.each(fixtures.map((f) => [f.scheme, f] as const))("%s: the original password signs in, in two round trips; the hash becomes ours", async (_, fixture) => {
    const user = await importedAccount(fixture.hash);
    const { result: res, trips } = await roundTrips(() => call("POST", "/auth/login", { body: { email: user.email, password: fixture.password } }));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(trips).toBe(2);
    expect(((await res.json()) as TokenBody).user.email).toBe(user.email);
    expect(await storedHash(user.tokens.user.id)).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$/);
    expect((await call("POST", "/auth/login", { body: { email: user.email, password: fixture.password } })).status).toBe(200);
  });

  it("refuses a wrong password, leaves the hash as it was, and spends at least a scrypt check on it", async () => {
    const pbkdf2 = fixtures.find((f) => f.scheme === "pbkdf2_sha256")!;
    const user = await importedAccount(pbkdf2.hash);
    const wrong = await call("POST", "/auth/login", { body: { email: user.email, password: "not the legacy password" } });
    await expectProblem(wrong, 401, "invalid_credentials");
    expect(await storedHash(user.tokens.user.id)).toBe(pbkdf2.hash);
    // PBKDF2 at 29 000 rounds alone is a few milliseconds; a scrypt check is tens.
    const scryptUser = await createVerifiedUser();
    const scryptWrong = await call("POST", "/auth/login", { body: { email: scryptUser.email, password: "not the password either" } });
    expect(hashMs(wrong)).toBeGreaterThanOrEqual(hashMs(scryptWrong) * 0.8);
  });

  it("keeps passlib's bcrypt 72-byte limit: bytes past it do not matter, as they did not there", async () => {
    const long = fixtures.find((f) => f.scheme === "bcrypt $2b$ over 72 bytes")!;
    const user = await importedAccount(long.hash);
    const sameStart = long.password.slice(0, 72) + " something else entirely";
    expect((await call("POST", "/auth/login", { body: { email: user.email, password: sameStart } })).status).toBe(200);
  });

  it("refuses a corrupt or out-of-bounds legacy hash without a 500", async () => {
    // A cost or a round count out of bounds, a truncated hash, a salt no base64 decoder takes (one character).
    for (const hash of ["$2b$31$" + "a".repeat(53), "$pbkdf2-sha256$99999999$abc$" + "a".repeat(43), "$2b$12$short", "$pbkdf2-sha256$29000$a$" + "a".repeat(43)]) {
      const user = await importedAccount(hash);
      await expectProblem(await call("POST", "/auth/login", { body: { email: user.email, password: "anything at all" } }), 401, "invalid_credentials");
    }
  });
});
