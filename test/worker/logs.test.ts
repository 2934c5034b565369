import { afterEach, describe, expect, it, vi } from "vitest";
import { call, codeFromMail, PASSWORD, uniqueEmail, type TokenBody } from "./helpers";

describe("logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("are one JSON line per request with id, route, status and duration, and never carry a secret", async () => {
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const email = uniqueEmail("logs");
    await call("POST", "/auth/register", { body: { email, password: PASSWORD } });
    const code = await codeFromMail(email);
    const tokens = (await (await call("POST", "/auth/verify", { body: { email, code, password: PASSWORD } })).json()) as TokenBody;
    await call("POST", "/auth/login", { body: { email, password: "wrong password here" } });
    await call("POST", "/auth/refresh", { body: { refresh_token: tokens.refresh_token } });
    await call("GET", "/users/me", { token: tokens.access_token, headers: { "x-request-id": "trace-logs-0001" } });

    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === "request");
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const r of requests) {
      expect(r).toMatchObject({ level: expect.any(String), request_id: expect.any(String), route: expect.any(String), status: expect.any(Number) });
      expect(typeof r.duration_ms).toBe("number");
    }
    expect(requests.find((r) => r.request_id === "trace-logs-0001")).toMatchObject({ route: "/api/v1/users/me", status: 200, db_round_trips: 1 });

    const all = lines.join("\n");
    for (const secret of [PASSWORD, "wrong password here", code, tokens.access_token, tokens.refresh_token, tokens.refresh_token.split(".")[1]!, "$scrypt$"]) {
      expect(all).not.toContain(secret);
    }
  });
});
