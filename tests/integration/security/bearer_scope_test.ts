import assert from "node:assert/strict";
import { ORIGIN, startHarness } from "../../support/harness.ts";
import { awayFromWindowEdge } from "../api/helpers.ts";

Deno.test("API tokens authenticate /api only: a page ignores them and CSRF still applies", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const { token } = await (await alice.post("/api/v1/tokens", { name: "script" })).json();
    const headers = { authorization: `Bearer ${token}` };

    assert.equal((await h.app.request(`${ORIGIN}/api/v1/me`, { headers })).status, 200);

    const page = await h.app.request(`${ORIGIN}/dashboard`, { headers, redirect: "manual" });
    assert.equal(page.status, 303);
    assert.match(page.headers.get("location") ?? "", /^\/login/);

    const form = await h.app.request(`${ORIGIN}/settings/tokens`, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
      },
      body: "name=x",
    });
    assert.equal(form.status, 403);
  } finally {
    await h.close();
  }
});

Deno.test("the sign-in rate limit answers the HTML form with a page and Retry-After", async () => {
  const h = await startHarness({ env: { AUTH_RATE_LIMIT_PER_MIN: "2" } });
  try {
    const client = h.client();
    await awayFromWindowEdge(); // all three attempts must land in one fixed window
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await client.form("/login", {
        email: "nobody@example.com",
        password: "wrong password 1",
      });
    }
    assert.equal(last!.status, 429);
    assert.match(last!.headers.get("content-type") ?? "", /text\/html/);
    assert.match(last!.headers.get("retry-after") ?? "", /^\d+$/);
    assert.match(await last!.text(), /Too many requests/);
  } finally {
    await h.close();
  }
});
