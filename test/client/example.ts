// Signing in to the accounts API from another TypeScript app: types generated from its OpenAPI document
// (`npx openapi-typescript https://<host>/api/v1/openapi.json -o api.d.ts`) and openapi-fetch, which
// checks every path, body and answer against them at compile time.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./api.js";

/** What GET /users/me answers: the signed-in user. */
export type User = paths["/users/me"]["get"]["responses"][200]["content"]["application/json"];

/**
 * An error answer. Every one is RFC 9457 problem details with a stable `code` to branch on
 * (`invalid_credentials`, `email_not_verified`, `account_locked`…); `detail` is a sentence for people.
 */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = "ApiProblem";
  }
}

/** Sends the access token with every later request, so calls after sign-in need not repeat it. */
function bearer(accessToken: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${accessToken}`);
      return request;
    },
  };
}

/** Signs in with email and password and reads the user back. `baseUrl` ends in `/api/v1`. */
export async function signInAndReadMe(baseUrl: string, email: string, password: string): Promise<User> {
  const api = createClient<paths>({ baseUrl });

  const login = await api.POST("/auth/login", { body: { email, password } });
  if (login.error) throw new ApiProblem(login.error.status, login.error.code, login.error.detail);
  // Short-lived (`expires_in` seconds); a long-running app renews it with POST /auth/refresh.
  api.use(bearer(login.data.access_token));

  const me = await api.GET("/users/me");
  if (me.error) throw new ApiProblem(me.error.status, me.error.code, me.error.detail);
  return me.data;
}
