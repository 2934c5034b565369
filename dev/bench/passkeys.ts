// Both passkey ceremonies, one request at a time over fresh accounts, with the tests' software
// authenticator (WebCrypto, P-256): rows for the bench's table (connections 1; req/s is the sequential
// rate) with their round-trip budgets. Registration: options 2 (the password's read, then the challenge
// with the passkeys to exclude), the answer 1. Sign-in: options 1, the answer 2 (the budget).
import { SoftwareAuthenticator, type CreationOptionsJSON, type RequestOptionsJSON } from "../../test/worker/software-authenticator";
import { rowOf, timedCall } from "./sequential";
import type { ScenarioReport } from "./report";
import { createUser } from "./seed";

export async function probePasskeys(url: string, origin: string, runId: string, password: string, settledCount: () => Promise<number>, accounts = 10): Promise<ScenarioReport[]> {
  const tokens: string[] = [];
  for (let i = 0; i < accounts; i++) {
    const email = `bench-passkey-${runId}-${i}@example.test`;
    await createUser(url, email, password);
    tokens.push((await timedCall(url, "/api/v1/auth/login", { email, password }, 200)).body.access_token as string);
  }
  const authenticators = tokens.map(() => new SoftwareAuthenticator(origin));
  const measure = async <T>(each: (i: number) => Promise<{ ms: number; value: T }>) => {
    const before = await settledCount();
    const samples = [];
    for (let i = 0; i < accounts; i++) samples.push(await each(i));
    return { ms: samples.map((s) => s.ms), values: samples.map((s) => s.value), trips: (await settledCount()) - before };
  };

  const options = await measure(async (i) => {
    const { ms, body } = await timedCall(url, "/api/v1/users/me/passkeys/options", { password }, 200, tokens[i]);
    return { ms, value: body as unknown as CreationOptionsJSON };
  });
  const credentials = await Promise.all(options.values.map((o, i) => authenticators[i]!.register(o)));
  const added = await measure(async (i) => ({ ms: (await timedCall(url, "/api/v1/users/me/passkeys", { credential: credentials[i] }, 201, tokens[i])).ms, value: null }));
  const signInOptions = await measure(async () => {
    const { ms, body } = await timedCall(url, "/api/v1/auth/passkey/options", undefined, 200);
    return { ms, value: body as unknown as RequestOptionsJSON };
  });
  const assertions = await Promise.all(signInOptions.values.map((o, i) => authenticators[i]!.assert(o)));
  const signedIn = await measure(async (i) => ({ ms: (await timedCall(url, "/api/v1/auth/passkey", { credential: assertions[i] }, 200)).ms, value: null }));
  return [
    rowOf("POST /users/me/passkeys/options", options.ms, options.trips, 2),
    rowOf("POST /users/me/passkeys", added.ms, added.trips, 1),
    rowOf("POST /auth/passkey/options", signInOptions.ms, signInOptions.trips, 1),
    rowOf("POST /auth/passkey", signedIn.ms, signedIn.trips, 2),
  ];
}
