import { describe, expect, it } from "vitest";
import { call, createVerifiedUser, roundTrips } from "./helpers";

describe("smoke", () => {
  it("registers, verifies and reads /users/me", async () => {
    const { email, token } = await createVerifiedUser();
    const { result: res, trips } = await roundTrips(() => call("GET", "/users/me", { token }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { email: string }).email).toBe(email);
    expect(trips).toBe(1);
  });
});
