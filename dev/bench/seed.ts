// Accounts and sessions for the scenarios, made through the API (verification is off in the bench).

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

async function post(url: string, path: string, body: unknown, expected: number): Promise<unknown> {
  const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== expected) throw new Error(`seeding: ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export async function createUser(url: string, email: string, password: string): Promise<void> {
  await post(url, "/api/v1/auth/register", { email, password }, 201);
}

/** `count` sessions of one user, `parallel` logins at a time (each costs one password hash). */
export async function openSessions(url: string, email: string, password: string, count: number, parallel = 2): Promise<Tokens[]> {
  const sessions: Tokens[] = [];
  while (sessions.length < count) {
    const batch = Math.min(parallel, count - sessions.length);
    const made = await Promise.all(Array.from({ length: batch }, () => post(url, "/api/v1/auth/login", { email, password }, 200)));
    sessions.push(...(made as Tokens[]));
  }
  return sessions;
}
