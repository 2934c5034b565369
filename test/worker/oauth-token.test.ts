import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock";
import { call, createVerifiedUser, PASSWORD, signIn, workerWith } from "./helpers";

const form = (body: string, headers: Record<string, string> = {}, via = call) =>
  via("POST", "/auth/token", { rawBody: body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

async function expectOAuthError(res: Response, error: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = (await res.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe("string");
  return body;
}

const enc = encodeURIComponent;

describe("POST /auth/token (RFC 6749)", () => {
  it("password grant answers the §5.1 shape, uncached", async () => {
    const { email } = await createVerifiedUser();
    const res = await form(`grant_type=password&username=${enc(email)}&password=${enc(PASSWORD)}&scope=`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("pragma")).toBe("no-cache");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 1800 });
    expect(typeof body.access_token).toBe("string");
    expect(typeof body.refresh_token).toBe("string");
    expect((await call("GET", "/users/me", { token: body.access_token as string })).status).toBe(200);
  });

  it("refresh_token grant rotates like /auth/refresh", async () => {
    // A fixed clock, to step past the reuse window (REFRESH_REUSE_WINDOW=10 s) without sleeping.
    const clock = fixedClock("2026-11-22T12:00:00Z");
    const worker = workerWith(clock);
    const grant = async (refreshToken: string) => {
      const res = await form(`grant_type=refresh_token&refresh_token=${enc(refreshToken)}`, {}, worker);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { access_token: string; refresh_token: string };
    };
    const { email } = await createVerifiedUser();
    const { refreshToken } = await signIn(email, undefined, worker);
    const child = await grant(refreshToken);
    expect(child.refresh_token).not.toBe(refreshToken);
    expect((await worker("GET", "/users/me", { token: child.access_token })).status).toBe(200);
    // The new refresh token works, and its successor is now the session's one live token.
    const grandchild = await grant(child.refresh_token);
    expect(grandchild.refresh_token).not.toBe(child.refresh_token);
    expect((await worker("GET", "/users/me", { token: grandchild.access_token })).status).toBe(200);
    clock.advance(10_001);
    // The spent token back after the window is theft: refused, and the whole session ends with it.
    await expectOAuthError(await form(`grant_type=refresh_token&refresh_token=${enc(child.refresh_token)}`, {}, worker), "invalid_grant");
    await expectOAuthError(await form(`grant_type=refresh_token&refresh_token=${enc(grandchild.refresh_token)}`, {}, worker), "invalid_grant");
    expect((await worker("GET", "/users/me", { token: grandchild.access_token })).status).toBe(401);
  });

  it("ignores client credentials a public client sends (Swagger UI's Authorize does)", async () => {
    const { email } = await createVerifiedUser();
    const res = await form(`grant_type=password&username=${enc(email)}&password=${enc(PASSWORD)}&client_id=swagger&client_secret=`, {
      authorization: `Basic ${btoa("swagger:")}`,
    });
    expect(res.status).toBe(200);
  });

  it("answers invalid_grant for wrong credentials, the RFC example's non-email username, and a bad refresh token", async () => {
    const { email } = await createVerifiedUser();
    await expectOAuthError(await form(`grant_type=password&username=${enc(email)}&password=wrong-password`), "invalid_grant");
    await expectOAuthError(await form("grant_type=password&username=johndoe&password=A3ddj3w"), "invalid_grant");
    await expectOAuthError(await form(`grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA`), "invalid_grant");
  });

  it("answers unsupported_grant_type for grants it does not offer", async () => {
    for (const grant of ["client_credentials", "authorization_code", "urn:ietf:params:oauth:grant-type:device_code"]) {
      await expectOAuthError(await form(`grant_type=${enc(grant)}&code=x`), "unsupported_grant_type");
    }
  });

  it("answers invalid_request for missing, repeated or wrongly encoded parameters", async () => {
    await expectOAuthError(await form("username=a%40b.test&password=x"), "invalid_request");
    const missing = await expectOAuthError(await form("grant_type=password&username=a%40b.test"), "invalid_request");
    expect(missing.error_description).toContain("password");
    await expectOAuthError(await form("grant_type=password&grant_type=password&username=a%40b.test&password=x"), "invalid_request");
    await expectOAuthError(await form("grant_type=refresh_token"), "invalid_request");
    const json = await call("POST", "/auth/token", { body: { grant_type: "password", username: "a@b.test", password: "x" } });
    await expectOAuthError(json, "invalid_request");
  });

  it("answers a body too large in RFC 6749's shape too, uncached", async () => {
    const res = await form(`grant_type=password&username=a%40b.test&password=${"x".repeat(20_000)}`);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("pragma")).toBe("no-cache");
    expect(await res.json()).toMatchObject({ error: "invalid_request", error_description: expect.any(String) });
  });
});
