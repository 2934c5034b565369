import { describe, expect, it } from "vitest";
import { call, countRows, createVerifiedUser, dbBatch, dbQuery, expectProblem, PASSWORD, roundTrips, signIn, uniqueEmail } from "./helpers";

interface UserOut {
  id: string;
  email: string;
  role: string;
  full_name: string | null;
}
interface Page {
  items: UserOut[];
  next_cursor: string | null;
}

/** An admin as `npm run user:role` makes one: the role is set in the database, then they sign in. */
async function createAdmin() {
  const user = await createVerifiedUser();
  await dbQuery("update users set role = 'admin' where email = $1", [user.email]);
  const session = await signIn(user.email);
  return { ...user, ...session, id: user.tokens.user.id };
}

const page = async (token: string, query: string) => {
  const res = await call("GET", `/users?${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
};

describe("admin routes refuse non-admins", () => {
  it("answers 403 on the list and delete, 404 on someone else's user, and refuses a self-granted role", async () => {
    const { token, tokens } = await createVerifiedUser();
    const other = await createVerifiedUser();
    await expectProblem(await call("GET", "/users", { token }), 403, "forbidden");
    await expectProblem(await call("DELETE", `/users/${other.tokens.user.id}`, { token }), 403, "forbidden");
    await expectProblem(await call("GET", `/users/${other.tokens.user.id}`, { token }), 404, "user_not_found");
    await expectProblem(await call("PATCH", `/users/${other.tokens.user.id}`, { token, body: { full_name: "Pwned" } }), 404, "user_not_found");
    await expectProblem(await call("PATCH", `/users/${tokens.user.id}`, { token, body: { role: "admin" } }), 403, "forbidden");
    expect(await countRows("select count(*) from users where id = $1 and role = 'user'", [tokens.user.id])).toBe(1);
  });

  it("lets anyone read and edit themselves by id", async () => {
    const { token, tokens } = await createVerifiedUser();
    expect(await (await call("GET", `/users/${tokens.user.id}`, { token })).json()).toMatchObject({ id: tokens.user.id });
    const res = await call("PATCH", `/users/${tokens.user.id}`, { token, body: { full_name: "Me Myself" } });
    expect(await res.json()).toMatchObject({ full_name: "Me Myself", role: "user" });
  });

  it("takes the role from the database, not from the token", async () => {
    const admin = await createAdmin();
    await dbQuery("update users set role = 'user' where id = $1", [admin.id]);
    await expectProblem(await call("GET", "/users", { token: admin.token }), 403, "forbidden");
  });
});

describe("GET /users (admin)", () => {
  it("pages through every match exactly once while accounts are being added, in one round trip per page", async () => {
    const admin = await createAdmin();
    const tag = `pg${crypto.randomUUID().slice(0, 6)}`;
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await createVerifiedUser({ email: uniqueEmail(tag) })).email);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { result, trips } = await roundTrips(() => page(admin.token, `limit=2&q=${tag}${cursor ? `&cursor=${cursor}` : ""}`));
      expect(trips).toBe(1);
      seen.push(...result.items.map((u) => u.email));
      cursor = result.next_cursor;
      // Past every match so far in the search's order ("z" after the hex of uniqueEmail), so it is still to come.
      if (++pages === 2) made.push((await createVerifiedUser({ email: uniqueEmail(`${tag}-z`) })).email);
    } while (cursor);
    expect(seen.sort()).toEqual([...made].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("searches by prefix of email, username or full name, case-insensitively, treating % and _ literally", async () => {
    const admin = await createAdmin();
    const stamp = crypto.randomUUID().slice(0, 6);
    const { email } = await createVerifiedUser({ full_name: `Zed ${stamp} Quux`, username: `zq_${stamp}` });
    expect((await page(admin.token, `q=ZED%20${stamp}`)).items.map((u) => u.email)).toEqual([email]);
    expect((await page(admin.token, `q=zq_${stamp}`)).items.map((u) => u.email)).toEqual([email]);
    expect((await page(admin.token, `q=${email.slice(0, 12).toUpperCase()}`)).items.map((u) => u.email)).toEqual([email]);
    expect((await page(admin.token, `q=zq%25`)).items).toEqual([]);
  });

  it("answers a search in the order of the text that matched, each account once, a page at a time", async () => {
    const admin = await createAdmin();
    const tag = `s${crypto.randomUUID().slice(0, 6)}`;
    const elsewhere = () => uniqueEmail("elsewhere");
    // Made in this order; in byte order of what matched: " " < "-" < "_".
    const byEmail = await createVerifiedUser({ email: uniqueEmail(tag) }); // "<tag>-…"
    const byUsername = await createVerifiedUser({ email: elsewhere(), username: `${tag}_a` }); // "<tag>_a"
    const byName = await createVerifiedUser({ email: elsewhere(), full_name: `${tag.toUpperCase()} B` }); // "<tag> b"
    const byBoth = await createVerifiedUser({ email: uniqueEmail(tag), full_name: `${tag} A` }); // "<tag> a" and "<tag>-…"
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const result: Page = await page(admin.token, `limit=1&q=${tag.toUpperCase()}${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...result.items.map((u) => u.email));
      cursor = result.next_cursor;
    } while (cursor);
    expect(seen).toEqual([byBoth.email, byName.email, byEmail.email, byUsername.email]);
    expect((await page(admin.token, `limit=10&q=${tag}`)).items.map((u) => u.email)).toEqual(seen);
  });

  it("takes a search's cursor only for a search, and the list's only for the list", async () => {
    const admin = await createAdmin();
    const tag = `c${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 2; i++) await createVerifiedUser({ email: uniqueEmail(tag) });
    const searchCursor = (await page(admin.token, `limit=1&q=${tag}`)).next_cursor!;
    const listCursor = (await page(admin.token, "limit=1")).next_cursor!;
    const wrong = [`cursor=${searchCursor}`, `q=${tag}&cursor=${listCursor}`];
    for (const query of wrong) expect((await expectProblem(await call("GET", `/users?${query}`, { token: admin.token }), 422)).errors![0]!.loc).toEqual(["query", "cursor"]);
    const forge = (text: string) => btoa(JSON.stringify(["q", text, crypto.randomUUID()])).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect((await call("GET", `/users?q=${tag}&cursor=${forge("\0")}`, { token: admin.token })).status).toBe(422);
    expect((await page(admin.token, `q=${tag}&cursor=${forge(tag)}`)).items).toHaveLength(2);
  });

  it("validates limit and cursor", async () => {
    const admin = await createAdmin();
    const tooBig = await expectProblem(await call("GET", "/users?limit=1000", { token: admin.token }), 422);
    expect(tooBig.errors![0]!.loc).toEqual(["query", "limit"]);
    const forged = await expectProblem(await call("GET", "/users?cursor=bm90LWEtY3Vyc29y", { token: admin.token }), 422);
    expect(forged.errors![0]!.loc).toEqual(["query", "cursor"]);
  });

  it("answers a cursor naming an impossible moment with 422, not 500", async () => {
    const admin = await createAdmin();
    const cursorOf = (createdAt: string) => btoa(JSON.stringify([createdAt, crypto.randomUUID()])).replace(/=+$/, "");
    for (const createdAt of ["2024-99-99 99:99:99+00", "2024-02-30 10:00:00+00", "2024-01-01 24:00:00+00", "2024-01-01 10:00:00+99"]) {
      const bad = await expectProblem(await call("GET", `/users?cursor=${cursorOf(createdAt)}`, { token: admin.token }), 422);
      expect(bad.errors![0]!.loc).toEqual(["query", "cursor"]);
    }
    expect((await call("GET", `/users?cursor=${cursorOf("2024-01-01 10:00:00.123456+00")}`, { token: admin.token })).status).toBe(200);
  });

  it("answers control characters in a query parameter with 422, and never searches for a non-admin", async () => {
    const admin = await createAdmin();
    const nul = await expectProblem(await call("GET", "/users?q=%00", { token: admin.token }), 422);
    expect(nul.errors![0]!.loc).toEqual(["query", "q"]);
    await expectProblem(await call("GET", "/users?q=a%1Fb", { token: admin.token }), 422);
    const { token } = await createVerifiedUser();
    await expectProblem(await call("GET", "/users?q=%00", { token }), 422);
    const { result, trips } = await roundTrips(() => call("GET", "/users?q=anything", { token }));
    await expectProblem(result, 403, "forbidden");
    expect(trips).toBe(0);
  });
});

describe("role changes", () => {
  it("revoke every session of the user, so no token stating the old role lives on", async () => {
    const admin = await createAdmin();
    const other = await createAdmin();
    const refreshable = await signIn(other.email);
    expect(await (await call("PATCH", `/users/${other.id}`, { token: admin.token, body: { role: "user" } })).json()).toMatchObject({ role: "user" });
    await expectProblem(await call("GET", "/users/me", { token: other.token }), 401, "invalid_token");
    await expectProblem(await call("POST", "/auth/refresh", { body: { refresh_token: refreshable.refreshToken } }), 401, "invalid_token");
    const again = await signIn(other.email);
    expect(again.tokens.user.role).toBe("user");
    // A change of name alone leaves sessions alone.
    expect((await call("PATCH", `/users/${other.id}`, { token: admin.token, body: { full_name: "Just a user" } })).status).toBe(200);
    expect((await call("GET", "/users/me", { token: again.token })).status).toBe(200);
  });
});

describe("admin changes to users", () => {
  it("an admin edits anyone, including their role", async () => {
    const admin = await createAdmin();
    const { tokens } = await createVerifiedUser();
    const res = await call("PATCH", `/users/${tokens.user.id}`, { token: admin.token, body: { role: "admin", full_name: "Promoted" } });
    expect(await res.json()).toMatchObject({ role: "admin", full_name: "Promoted" });
    expect((await call("GET", `/users/${tokens.user.id}`, { token: admin.token })).status).toBe(200);
  });

  it("an admin deletes a user with their sessions and codes", async () => {
    const admin = await createAdmin();
    const victim = await createVerifiedUser();
    await call("POST", "/auth/forgot-password", { body: { email: victim.email } });
    expect((await call("DELETE", `/users/${victim.tokens.user.id}`, { token: admin.token })).status).toBe(204);
    await expectProblem(await call("GET", "/users/me", { token: victim.token }), 401, "invalid_token");
    expect(await countRows("select count(*) from sessions where user_id = $1", [victim.tokens.user.id])).toBe(0);
    expect(await countRows("select count(*) from one_time_codes where user_id = $1", [victim.tokens.user.id])).toBe(0);
    await expectProblem(await call("DELETE", `/users/${victim.tokens.user.id}`, { token: admin.token }), 404, "user_not_found");
    await expectProblem(await call("POST", "/auth/login", { body: { email: victim.email, password: PASSWORD } }), 401, "invalid_credentials");
  });

  it("never removes or demotes the last admin, even while another admin's deletion is still in flight", async () => {
    for (const attempt of ["delete", "demote"] as const) {
      const a = await createAdmin();
      const b = await createAdmin();
      await dbQuery("update users set role = 'user' where role = 'admin' and id <> all($1::uuid[])", [`{${a.id},${b.id}}`]);
      // A concurrent transaction deletes b and holds the row for a moment, as a slow request would.
      const inFlight = dbBatch([{ query: "delete from users where id = $1", params: [b.id] }, { query: "select pg_sleep(0.4)" }]);
      await new Promise((r) => setTimeout(r, 100));
      const res =
        attempt === "delete"
          ? await call("DELETE", `/users/${a.id}`, { token: a.token })
          : await call("PATCH", `/users/${a.id}`, { token: a.token, body: { role: "user" } });
      await inFlight;
      // a's statement had to wait for b's deletion and then count again: a is the last admin.
      await expectProblem(res, 409, "last_admin");
      expect(await countRows("select count(*) from users where role = 'admin'")).toBe(1);
    }
  });

  it("DELETE /users/me refuses the last admin too", async () => {
    const admin = await createAdmin();
    await dbQuery("update users set role = 'user' where role = 'admin' and id <> $1", [admin.id]);
    await expectProblem(await call("DELETE", "/users/me", { token: admin.token, body: { password: PASSWORD } }), 409, "last_admin");
    expect((await call("GET", "/users/me", { token: admin.token })).status).toBe(200);
  });

  it("of two admins deleting themselves at once, exactly one goes", async () => {
    const a = await createAdmin();
    const b = await createAdmin();
    await dbQuery("update users set role = 'user' where role = 'admin' and id <> all($1::uuid[])", [`{${a.id},${b.id}}`]);
    // Both statements queue behind a lock on the admin rows, then run against each other.
    // (Long enough to cover both password checks, which come first.)
    const held = dbBatch([{ query: "select 1 from users where role = 'admin' for update" }, { query: "select pg_sleep(0.6)" }]);
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all([a, b].map((admin) => call("DELETE", "/users/me", { token: admin.token, body: { password: PASSWORD } })));
    await held;
    expect(answers.map((r) => r.status).sort()).toEqual([204, 409]);
    expect(await countRows("select count(*) from users where role = 'admin'")).toBe(1);
  });
});
