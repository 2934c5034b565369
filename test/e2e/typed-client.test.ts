// The README's typed client (test/client/example.ts) against the running dev stack: the Node tests only
// prove it compiles, this proves the generated types describe what the service really answers.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiProblem, signInAndReadMe } from "../client/example";
import { APP_URL, newPage, PASSWORD, registerAndVerify, uniqueEmail, useBrowser } from "./browser";

const browser = useBrowser();
const API = `${APP_URL}/api/v1`;

describe("the typed client example", () => {
  const email = uniqueEmail("typed");
  const username = `typed_${Date.now().toString(36)}`;

  beforeAll(async () => {
    // A verified account made the way a person makes one; the example only signs in.
    const { context, page } = await newPage(browser());
    await registerAndVerify(page, email, { fullName: "Tess Typed", username });
    await context.close();
  });

  it("signs in and reads the user back", async () => {
    const me = await signInAndReadMe(API, email, PASSWORD);
    expect(me).toEqual({
      id: expect.any(String),
      email,
      full_name: "Tess Typed",
      username,
      role: "user",
      email_verified: true,
      totp_enabled: false,
      recovery_codes_left: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("turns a wrong password into an ApiProblem with the API's code", async () => {
    const failure = await signInAndReadMe(API, email, "not the password").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ApiProblem);
    expect(failure).toMatchObject({ status: 401, code: "invalid_credentials", detail: expect.any(String) });
  });
});
