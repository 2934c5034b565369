// The one way the app talks to the API: JSON in and out, and every error answer turned into an ApiError
// that carries the server's problem+json (RFC 9457) detail and its field errors.
const BASE = "/api/v1";

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status; 0 when the server could not be reached
   * @param {{code?: string, detail?: string, title?: string, errors?: {loc: (string|number)[], msg: string}[]}} problem
   * @param {number | null} retryAfter seconds, from the Retry-After header
   */
  constructor(status, problem, retryAfter = null) {
    super(problem.detail || problem.title || `The server answered ${status}.`);
    this.status = status;
    this.code = problem.code || "error";
    this.retryAfter = retryAfter;
    /** The whole problem, extension members included (e.g. mfa_required's mfa_ticket). */
    this.problem = problem;
    /** Field name (as the API names it, e.g. "new_password") → message. */
    this.fieldErrors = new Map();
    for (const error of problem.errors ?? []) {
      // loc[0] says where the field was (body, query, path); the rest is its name.
      const name = (error.loc ?? []).slice(1).join(".");
      if (name && !this.fieldErrors.has(name)) this.fieldErrors.set(name, error.msg);
    }
  }
}

/** One API call. `body` is sent as JSON; `token` as a bearer token. Resolves to the JSON body, or null for 204. */
export async function request(method, path, { body, token } = {}) {
  const headers = { accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, { code: "network_error", detail: "The server could not be reached. Check your connection and try again." });
  }
  const data = /json/.test(res.headers.get("content-type") ?? "") ? await res.json().catch(() => null) : null;
  if (res.ok) return res.status === 204 ? null : data;
  const retryAfter = Number(res.headers.get("retry-after")) || null;
  const problem = data && typeof data === "object" ? data : { detail: `The server answered ${res.status}. Please try again.` };
  throw new ApiError(res.status, problem, retryAfter);
}
