// Two-factor sign-in's two requests, one at a time over fresh accounts with TOTP on (dev/bench/sequential.ts),
// with their round-trip budgets: the password step 2 (as login without TOTP), the second step 1 (design
// §3: one statement).
import { fromBase32 } from "../../src/security/base32";
import { totpCode, totpStep } from "../../src/security/totp";
import type { ScenarioReport } from "./report";
import { createUser } from "./seed";
import { rowOf, timedCall as call } from "./sequential";

const PASSWORD_STEP = "POST /auth/login (TOTP on)";
const SECOND_STEP = "POST /auth/login/mfa";

/** An account with TOTP on; `code(offset)` is its authenticator's code `offset` steps from now. */
async function enrolledAccount(url: string, email: string, password: string) {
  await createUser(url, email, password);
  const token = (await call(url, "/api/v1/auth/login", { email, password }, 200)).body.access_token as string;
  const secret = (await call(url, "/api/v1/users/me/totp", { password }, 200, token)).body.secret as string;
  const key = fromBase32(secret)!;
  const code = (offset: number) => totpCode(key, totpStep(new Date()) + offset);
  await call(url, "/api/v1/users/me/totp/confirm", { code: code(0) }, 200, token);
  return code;
}

/**
 * `accounts` accounts sign in with their password, then with the next step's code (the confirmation
 * spent the current one). `settledCount` reads the endpoint's round-trip counter once nothing is in flight.
 */
export async function probeTwoFactor(url: string, runId: string, password: string, settledCount: () => Promise<number>, accounts = 10): Promise<ScenarioReport[]> {
  const codes = [];
  for (let i = 0; i < accounts; i++) codes.push(await enrolledAccount(url, `bench-2fa-${runId}-${i}@example.test`, password));

  const tickets: string[] = [];
  const passwordMs: number[] = [];
  let before = await settledCount();
  for (let i = 0; i < accounts; i++) {
    const { ms, body } = await call(url, "/api/v1/auth/login", { email: `bench-2fa-${runId}-${i}@example.test`, password }, 403);
    if (body.code !== "mfa_required" || !body.mfa_ticket) throw new Error(`two-factor bench: the password step answered ${JSON.stringify(body)}`);
    tickets.push(body.mfa_ticket as string);
    passwordMs.push(ms);
  }
  const passwordTrips = (await settledCount()) - before;

  const secondMs: number[] = [];
  before = await settledCount();
  for (let i = 0; i < accounts; i++) {
    const { ms, body } = await call(url, "/api/v1/auth/login/mfa", { mfa_ticket: tickets[i], code: codes[i]!(1) }, 200);
    if (!body.access_token) throw new Error("two-factor bench: the second step issued no access token");
    secondMs.push(ms);
  }
  const secondTrips = (await settledCount()) - before;
  return [rowOf(PASSWORD_STEP, passwordMs, passwordTrips, 2), rowOf(SECOND_STEP, secondMs, secondTrips, 1)];
}
