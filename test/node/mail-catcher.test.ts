import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMailCatcher, type CaughtMessage, type MailCatcher } from "../../dev/stack/mail-catcher";

describe("mail catcher", () => {
  let catcher: MailCatcher;

  // The call the worker's Resend client makes.
  const send = (body: unknown, headers: Record<string, string> = { Authorization: "Bearer re_test" }) =>
    fetch(`${catcher.url}/emails`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  const list = async (query = "") => (await (await fetch(`${catcher.url}/api/messages${query}`)).json()) as CaughtMessage[];

  beforeAll(async () => {
    catcher = await startMailCatcher({ port: 0 });
  });
  afterAll(() => catcher.close());
  beforeEach(async () => {
    expect((await fetch(`${catcher.url}/api/messages`, { method: "DELETE" })).status).toBe(204);
  });

  it("accepts Resend's send call and lists the message", async () => {
    const res = await send({ from: "App <no-reply@app.test>", to: ["Ann@Example.test"], subject: "Your code: 123456", text: "Code 123456", html: "<p>Code 123456</p>" });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const [message, ...rest] = await list();
    expect(rest).toEqual([]);
    expect(message).toMatchObject({ id, from: "App <no-reply@app.test>", to: ["Ann@Example.test"], subject: "Your code: 123456", text: "Code 123456", html: "<p>Code 123456</p>" });
    expect(Date.parse(message!.created_at)).not.toBeNaN();
  });

  it("takes `to` as a string too, lists newest first and filters by recipient, ignoring case and display names", async () => {
    await send({ from: "a@app.test", to: "bob@example.test", subject: "first" });
    await send({ from: "a@app.test", to: ["Carol <carol@example.test>"], subject: "second" });
    await send({ from: "a@app.test", to: "BOB@example.test", subject: "third" });

    expect((await list()).map((m) => m.subject)).toEqual(["third", "second", "first"]);
    expect((await list("?to=Bob%40Example.test")).map((m) => m.subject)).toEqual(["third", "first"]);
    expect((await list("?to=carol%40example.test")).map((m) => m.to)).toEqual([["Carol <carol@example.test>"]]);
    expect(await list("?to=nobody%40example.test")).toEqual([]);
  });

  it("refuses what Resend refuses, with Resend's error shape", async () => {
    const noTo = await send({ from: "a@app.test", subject: "s" });
    expect(noTo.status).toBe(422);
    expect(await noTo.json()).toEqual({ statusCode: 422, name: "missing_required_field", message: "Missing `to` field." });

    const noSubject = await send({ from: "a@app.test", to: "x@example.test" });
    expect(noSubject.status).toBe(422);
    expect(((await noSubject.json()) as { name: string }).name).toBe("missing_required_field");

    const badTo = await send({ from: "a@app.test", to: [42], subject: "s" });
    expect(badTo.status).toBe(422);
    expect(((await badTo.json()) as { name: string }).name).toBe("validation_error");

    const noKey = await send({ from: "a@app.test", to: "x@example.test", subject: "s" }, {});
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { name: string }).name).toBe("missing_api_key");

    expect(await list()).toEqual([]);
  });

  it("shows caught mail on its page, escaped", async () => {
    await send({ from: "a@app.test", to: "eve@example.test", subject: "<script>alert(1)</script>", text: "code <b>999999</b> & more" });
    const page = await fetch(`${catcher.url}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("code &lt;b&gt;999999&lt;/b&gt; &amp; more");
    expect(html).toContain("eve@example.test");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
  });
});
