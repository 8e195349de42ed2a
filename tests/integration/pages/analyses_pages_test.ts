/**
 * The analyses pages over `app.request()` with JavaScript "off": import (pasted JSON and .json
 * upload) with errors in place, the list and the dashboard home, the analysis dashboard with its
 * plain progress / subscription / hourly-rate forms (PRG + notices), ownership (404 page) and
 * French rendering.
 */
import assert from "node:assert/strict";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { type Harness, startHarness, type TestClient } from "../../support/harness.ts";
import { REDIS_URL as REDIS_TEST_URL } from "../../support/database.ts";

/** What a reader sees: tags dropped, entities decoded, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t\r\n]+/g, " ")
    .trim();
}

/** The decoded content of the import page's textarea. */
function textareaValue(html: string): string {
  const match = /<textarea[^>]*id="json"[^>]*>([\s\S]*?)<\/textarea>/.exec(html);
  assert.ok(match, "no #json textarea");
  return match[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

function assertNoInlineStyles(html: string) {
  assert.ok(!/<[^>]+\sstyle=/.test(html), "server HTML has an inline style attribute (CSP)");
}

async function importPasted(client: TestClient, json: string): Promise<Response> {
  const form = new FormData();
  form.set("json", json);
  // What a browser sends when no file was chosen.
  form.set("file", new File([], "", { type: "application/octet-stream" }));
  return await client.request("/import", { method: "POST", body: form });
}

async function importFile(client: TestClient, content: string, name = "analysis.json") {
  const form = new FormData();
  form.set("json", "");
  form.set("file", new File([content], name, { type: "application/json" }));
  return await client.request("/import", { method: "POST", body: form });
}

/** Imports the sample analysis through the page and returns its id. */
async function importSample(client: TestClient, payload = sampleAnalysis()): Promise<string> {
  const res = await importPasted(client, JSON.stringify(payload));
  assert.equal(res.status, 303, await res.clone().text());
  const location = res.headers.get("location") ?? "";
  const match = /^\/analyses\/([0-9a-f-]{36})\?notice=imported$/.exec(location);
  assert.ok(match, `unexpected redirect ${location}`);
  return match[1];
}

async function page(client: TestClient, path: string, status = 200) {
  const res = await client.get(path);
  const html = await res.text();
  assert.equal(res.status, status, `${path}: ${visibleText(html).slice(0, 300)}`);
  assertNoInlineStyles(html);
  return { html, text: visibleText(html) };
}

function withHarness(name: string, fn: (h: Harness) => Promise<void>) {
  Deno.test(name, async () => {
    const h = await startHarness();
    try {
      await fn(h);
    } finally {
      await h.close();
    }
  });
}

withHarness("pages: new users see empty states that point to the import page", async (h) => {
  const ada = await h.signup({ name: "Ada" });
  const home = await page(ada, "/dashboard");
  assert.match(home.html, /class="empty-state card"/);
  assert.match(home.html, /<a href="\/import">Import your first analysis<\/a>/);
  assert.match(home.html, /<a href="\/settings">/);
  assert.match(home.html, /<a href="\/analyses" class="nav-link"/, "header nav links Analyses");

  const list = await page(ada, "/analyses");
  assert.match(list.text, /No analyses yet/);
  assert.match(list.html, /href="\/import" class="button"/);
  assert.match(list.html, /href="\/analyses" class="nav-link" aria-current="page"/);

  const form = await page(ada, "/import");
  assert.match(
    form.html,
    /<form method="post" action="\/import" enctype="multipart\/form-data"/,
  );
  assert.match(form.html, /<label for="json">Analysis JSON<\/label>/);
  assert.match(
    form.html,
    /<input id="file" name="file" type="file" accept=".json,application\/json"/,
  );

  // Anonymous visitors are sent to log in and come back.
  for (const path of ["/analyses", "/import"]) {
    const res = await h.client().get(path);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
});

withHarness(
  "pages: import pasted JSON, then the same site again shows the existing analysis",
  async (h) => {
    const ada = await h.signup({ name: "Ada" });
    const payload = sampleAnalysis();
    const id = await importSample(ada, payload);

    const dash = await page(ada, `/analyses/${id}?notice=imported`);
    assert.match(dash.text, /Analysis imported\./);
    assert.match(dash.html, /<h1>Example Inc\.<\/h1>/);
    assert.match(dash.text, /Sector Services Professionnels/);
    assert.match(dash.text, /Size 50-100/);
    assert.match(dash.text, /Tier Tier 2/);
    assert.match(
      dash.html,
      new RegExp(`<a href="${payload.url}" rel="noopener noreferrer nofollow">`),
    );

    // The same URL spelled differently, within 7 days: the existing analysis, with a notice.
    const again = await importPasted(
      ada,
      JSON.stringify({
        ...payload,
        url: payload.url.replace("https://www.", "https://").toUpperCase(),
      }),
    );
    assert.equal(again.status, 303);
    const location = again.headers.get("location") ?? "";
    assert.ok(location.startsWith(`/analyses/${id}?notice=duplicate&imported=`), location);
    const duplicate = await page(ada, location);
    const today = new Intl.DateTimeFormat("en-CA", { dateStyle: "medium", timeZone: "UTC" })
      .format(new Date());
    assert.ok(
      duplicate.text.includes(
        `You already imported this site on ${today}: showing the existing analysis.`,
      ),
      duplicate.text.slice(0, 600),
    );

    // Listed once on /analyses and on the dashboard, with "Import another".
    const list = await page(ada, "/analyses");
    assert.equal(list.html.split(`href="/analyses/${id}"`).length - 1, 1);
    assert.match(list.text, /Example Inc\. .*Analysed .*0 of 3 implemented/);
    assert.match(list.html, /<progress class="meter" max="3" value="0"/);
    const home = await page(ada, "/dashboard");
    assert.doesNotMatch(home.html, /empty-state/);
    assert.match(home.html, new RegExp(`href="/analyses/${id}"`));
    assert.match(home.html, /<a href="\/import" class="button">Import another<\/a>/);
    assert.doesNotMatch(home.html, /<script/, "the dashboard home needs no JavaScript");
  },
);

withHarness("pages: import an uploaded .json file (multipart)", async (h) => {
  const ada = await h.signup();
  const res = await importFile(ada, `\uFEFF${JSON.stringify(sampleAnalysis())}`);
  assert.equal(res.status, 303, await res.clone().text());
  const location = res.headers.get("location") ?? "";
  assert.match(location, /^\/analyses\/[0-9a-f-]{36}\?notice=imported$/);
  const dash = await page(ada, location);
  assert.match(dash.html, /<h1>Example Inc\.<\/h1>/);
  assert.match(dash.text, /Digital presence .*Value creation .*Business management/);
});

withHarness("pages: import errors are shown in place and keep what was sent", async (h) => {
  const ada = await h.signup();

  // Nothing sent.
  let res = await importPasted(ada, "   ");
  let html = await res.text();
  assert.equal(res.status, 400);
  assert.match(visibleText(html), /Paste the analysis JSON or choose a file\./);

  // Malformed JSON: a clear message, the parser's detail, the text kept as typed.
  const broken = '{"url": "https://acme.example", "results_summary": {<oops>}';
  res = await importPasted(ada, broken);
  html = await res.text();
  assert.equal(res.status, 400);
  assertNoInlineStyles(html);
  assert.match(visibleText(html), /The analysis could not be imported\./);
  assert.match(
    html,
    /<div id="json-error" class="field-error import-error"><p>This is not valid JSON\.<\/p>/,
  );
  assert.match(html, /class="error-detail"><code>[^<]*JSON/);
  assert.equal(textareaValue(html), broken);
  assert.match(
    html,
    /<textarea id="json"[^>]*aria-invalid="true"[^>]*aria-describedby="json-hint json-error"/,
  );
  assert.ok(!html.includes("<oops>"), "user text must be escaped");

  // Missing company name and a complexity of 11: each field named, with why.
  const payload = sampleAnalysis() as ReturnType<typeof sampleAnalysis> & Record<string, never>;
  const bad = structuredClone(payload) as unknown as {
    results_summary: {
      identity_a1: Record<string, unknown>;
      digital_presence: Record<string, unknown>;
    };
  };
  delete bad.results_summary.identity_a1.company_name;
  bad.results_summary.digital_presence.complexity_level = 11;
  const pasted = JSON.stringify(bad, null, 2);
  res = await importPasted(ada, pasted);
  html = await res.text();
  assert.equal(res.status, 400);
  const text = visibleText(html);
  assert.match(text, /Problems found/);
  assert.match(text, /results_summary\.identity_a1\.company_name is required/);
  assert.match(text, /results_summary\.digital_presence\.complexity_level must be at most 10/);
  assert.match(html, /aria-describedby="json-hint json-problems"/);
  assert.equal(textareaValue(html), pasted);

  // Wrong types, a bad date and a non-web URL.
  res = await importPasted(
    ada,
    JSON.stringify({
      ...payload,
      created_at: "yesterday",
      results_summary: {
        ...payload.results_summary,
        value_creation: { ...payload.results_summary.value_creation, hours_per_week: "eight" },
      },
    }),
  );
  const typed = visibleText(await res.text());
  assert.equal(res.status, 400);
  assert.match(typed, /results_summary\.value_creation\.hours_per_week must be a number/);
  assert.match(typed, /created_at must be a date-time such as 2025-10-27T12:00:00Z/);

  res = await importPasted(ada, JSON.stringify({ ...payload, url: "ftp://files.example" }));
  assert.equal(res.status, 400);
  assert.match(visibleText(await res.text()), /url must be an absolute http\(s\) URL/);

  res = await importPasted(
    ada,
    JSON.stringify({ ...payload, created_at: new Date(Date.now() + 86_400_000).toISOString() }),
  );
  assert.equal(res.status, 400);
  assert.match(visibleText(await res.text()), /created_at must not be in the future/);

  res = await importPasted(ada, "[1, 2]");
  assert.equal(res.status, 400);
  assert.match(visibleText(await res.text()), /the whole document must be an object/);

  // A bad uploaded file: its content is put in the box to be fixed.
  res = await importFile(ada, '{"url": ', "mine.json");
  html = await res.text();
  assert.equal(res.status, 400);
  assert.match(
    visibleText(html),
    /The content of mine\.json is shown below so you can correct it\./,
  );
  assert.equal(textareaValue(html), '{"url": ');

  const binary = new FormData();
  binary.set("json", "");
  binary.set("file", new File([new Uint8Array([0xff, 0xfe, 0x00])], "binary.json"));
  res = await ada.request("/import", { method: "POST", body: binary });
  assert.equal(res.status, 400);
  assert.match(visibleText(await res.text()), /The file is not UTF-8 text\./);

  // Nothing was imported by any of these.
  const list = await page(ada, "/analyses");
  assert.match(list.text, /No analyses yet/);
});

withHarness(
  "pages: an import larger than the body limit gets a 413 page, not a crash",
  async (h) => {
    const ada = await h.signup();
    const huge = " ".repeat(h.deps.config.BODY_LIMIT_BYTES + 10);
    const res = await importPasted(ada, huge);
    assert.equal(res.status, 413);
    assert.match(visibleText(await res.text()), /This is too large: at most 1 MB\./);
  },
);

withHarness("pages: no-JS progress forms, badge notices and a refused transition", async (h) => {
  const ada = await h.signup();
  const id = await importSample(ada);

  let res = await ada.form(`/analyses/${id}/progress`, {
    opportunity_id: "digital_presence",
    status: "IN_PROGRESS",
  });
  assert.equal(res.status, 303);
  let location = res.headers.get("location") ?? "";
  assert.equal(
    location,
    `/analyses/${id}?notice=progress&opportunity=digital_presence&status=IN_PROGRESS&badges=first_step`,
  );
  let dash = await page(ada, location);
  assert.match(dash.text, /Digital presence: now in progress\. Badge earned: 🎯 First Step!/);
  assert.match(dash.html, /id="opp-digital_presence" data-status="IN_PROGRESS"/);
  assert.match(dash.text, /Earned 🎯 First Step/);
  // IN_PROGRESS offers "Mark implemented" and "Undo start", nothing else.
  const card = /id="opp-digital_presence"[\s\S]*?<\/li>/.exec(dash.html)![0];
  assert.deepEqual(
    [...card.matchAll(/name="status" value="(\w+)"/g)].map((m) => m[1]),
    ["IMPLEMENTED", "NOT_STARTED"],
  );

  res = await ada.form(`/analyses/${id}/progress`, {
    opportunity_id: "digital_presence",
    status: "IMPLEMENTED",
  });
  location = res.headers.get("location") ?? "";
  assert.match(
    location,
    /notice=progress&opportunity=digital_presence&status=IMPLEMENTED&badges=quick_win$/,
  );
  dash = await page(ada, location);
  assert.match(dash.text, /Digital presence: now implemented\. Badge earned: ⚡ Quick Win!/);
  const done = /id="opp-digital_presence"[\s\S]*?<\/li>/.exec(dash.html)![0];
  assert.doesNotMatch(done, /<form/, "an implemented opportunity offers no controls");
  assert.match(visibleText(done), /Implemented on /);
  assert.match(dash.text, /Time saved 5 h\/week 260 h per year/);
  assert.match(dash.text, /33% complete/);

  // Out of IMPLEMENTED is refused: shown in place (400), nothing changed.
  res = await ada.form(`/analyses/${id}/progress`, {
    opportunity_id: "digital_presence",
    status: "IN_PROGRESS",
  });
  let html = await res.text();
  assert.equal(res.status, 400);
  assert.match(html, /class="notice notice-error" role="alert"/);
  assert.match(
    visibleText(html),
    /Digital presence is implemented and cannot go back to in progress\. Nothing was changed\./,
  );
  assert.match(html, /id="opp-digital_presence" data-status="IMPLEMENTED"/);

  // The same status again is no change and earns nothing.
  res = await ada.form(`/analyses/${id}/progress`, {
    opportunity_id: "value_creation",
    status: "NOT_STARTED",
  });
  location = res.headers.get("location") ?? "";
  assert.equal(
    location,
    `/analyses/${id}?notice=unchanged&opportunity=value_creation&status=NOT_STARTED`,
  );
  assert.match((await page(ada, location)).text, /Value creation was already not started\./);

  // A forged notice cannot name a badge that was not earned.
  dash = await page(
    ada,
    `/analyses/${id}?notice=progress&opportunity=value_creation&status=IN_PROGRESS&badges=time_saver,first_step`,
  );
  assert.match(dash.text, /Badge earned: 🎯 First Step!/);
  assert.doesNotMatch(dash.text, /Badges earned|Time Saver!/);

  // A bad status is a 400 with a message; an unknown opportunity is a 404 page.
  res = await ada.form(`/analyses/${id}/progress`, {
    opportunity_id: "value_creation",
    status: "DONE",
  });
  html = await res.text();
  assert.equal(res.status, 400);
  assert.match(visibleText(html), /Choose a valid status\./);
  res = await ada.form(`/analyses/${id}/progress`, {
    opportunity_id: "nope",
    status: "IMPLEMENTED",
  });
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
});

withHarness(
  "pages: hourly rate form values the time saved; errors are shown in place",
  async (h) => {
    const ada = await h.signup();
    const id = await importSample(ada);
    let dash = await page(ada, `/analyses/${id}`);
    assert.match(dash.text, /Set an hourly rate to see what the time you save is worth\./);
    assert.match(dash.html, new RegExp(`<form method="post" action="/analyses/${id}/rate"`));

    let res = await ada.form(`/analyses/${id}/rate`, { hourly_rate: "5" });
    const html = await res.text();
    assert.equal(res.status, 400);
    assert.match(
      html,
      /<input id="rate-hourly_rate" name="hourly_rate"[^>]*value="5"[^>]*aria-invalid="true"/,
    );
    assert.match(
      html,
      /<p id="rate-error" class="field-error">Enter an amount between 20 and 500\.<\/p>/,
    );

    await ada.form(`/analyses/${id}/progress`, {
      opportunity_id: "value_creation",
      status: "IMPLEMENTED",
    });
    res = await ada.form(`/analyses/${id}/rate`, { hourly_rate: "50,00" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/analyses/${id}?notice=rate`);
    // Read right after the write: no stale cached dashboard.
    dash = await page(ada, `/analyses/${id}?notice=rate`);
    assert.match(dash.text, /Hourly rate saved/);
    assert.match(
      dash.text,
      /Money saved \$20,800 per year Possible: \$39,000 per year, at \$50\/h/,
    );
    const api = await (await ada.get(`/api/v1/dashboard/${id}`)).json();
    assert.equal(api.metrics.money_saved.hourly_rate, 50);
    assert.equal(api.metrics.money_saved.implemented_annual, 20800);
  },
);

withHarness(
  "pages: subscription form with errors in place, then subscribe and update",
  async (h) => {
    const ada = await h.signup();
    const id = await importSample(ada);
    let dash = await page(ada, `/analyses/${id}`);
    // Prefilled with the user's email, weekly by default.
    assert.match(
      dash.html,
      new RegExp(`<input id="subscribe-email" name="email" type="email" value="${ada.email}"`),
    );
    assert.match(dash.html, /<input type="radio" name="frequency" value="weekly" checked/);

    let res = await ada.form(`/analyses/${id}/subscribe`, {
      email: "not-an-email",
      frequency: "daily",
      hourly_rate: "9000",
    });
    const html = await res.text();
    assert.equal(res.status, 400);
    assert.match(html, /value="not-an-email"[^>]*aria-invalid="true"/);
    assert.match(
      html,
      /<p id="subscribe-email-error" class="field-error">Enter a valid email address\.<\/p>/,
    );
    assert.match(
      html,
      /<p id="frequency-error" class="field-error">Choose weekly or monthly\.<\/p>/,
    );
    assert.match(
      html,
      /<p id="subscribe-hourly_rate-error" class="field-error">Enter an amount between 20 and 500, or leave it empty\.<\/p>/,
    );
    assert.match(html, /<input id="subscribe-hourly_rate" name="hourly_rate"[^>]*value="9000"/);

    res = await ada.form(`/analyses/${id}/subscribe`, {
      email: "Reports@Example.com",
      frequency: "monthly",
      hourly_rate: "75",
    });
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("location"),
      `/analyses/${id}?notice=subscribed&frequency=monthly`,
    );
    dash = await page(ada, `/analyses/${id}?notice=subscribed&frequency=monthly`);
    assert.match(dash.text, /You are subscribed: monthly reports\./);
    // The rate given with the subscription values the analysis (it had none).
    assert.match(dash.text, /Possible: \$58,500 per year, at \$75\/h/);

    res = await ada.form(`/analyses/${id}/subscribe`, {
      email: "reports@example.com",
      frequency: "weekly",
    });
    assert.equal(
      res.headers.get("location"),
      `/analyses/${id}?notice=subscription_updated&frequency=weekly`,
    );
    const rows = await h.db.sql<{ email: string; frequency: string }[]>`
    select email, frequency from email_subscriptions where analysis_id = ${id}`;
    assert.deepEqual(rows.map((r) => ({ ...r })), [{
      email: "reports@example.com",
      frequency: "weekly",
    }]);
  },
);

withHarness("pages: another user's analysis is a 404 page on every route", async (h) => {
  const ada = await h.signup();
  const eve = await h.signup();
  const id = await importSample(ada);

  for (
    const path of [`/analyses/${id}`, "/analyses/not-a-uuid", `/analyses/${crypto.randomUUID()}`]
  ) {
    const res = await eve.get(path);
    const html = await res.text();
    assert.equal(res.status, 404, path);
    assert.match(html, /<h1>Page not found<\/h1>/, path);
    assert.ok(!html.includes("Example Inc."), `${path} leaks the analysis`);
  }
  const posts: [string, Record<string, string>][] = [
    [`/analyses/${id}/progress`, { opportunity_id: "digital_presence", status: "IN_PROGRESS" }],
    [`/analyses/${id}/subscribe`, { email: "eve@example.com", frequency: "weekly" }],
    [`/analyses/${id}/subscribe`, { email: "bad", frequency: "weekly" }],
    [`/analyses/${id}/rate`, { hourly_rate: "99" }],
    [`/analyses/${id}/rate`, { hourly_rate: "1" }],
  ];
  for (const [path, fields] of posts) {
    const res = await eve.form(path, fields);
    const html = await res.text();
    assert.equal(res.status, 404, path);
    assert.ok(!html.includes("Example Inc."), `${path} leaks the analysis`);
  }
  // Nothing changed for the owner.
  const api = await (await ada.get(`/api/v1/dashboard/${id}`)).json();
  assert.equal(api.progress_summary.not_started, 3);
  assert.equal(api.metrics.money_saved.hourly_rate, null);
  assert.equal(api.badges.length, 0);
  assert.doesNotMatch((await page(eve, "/analyses")).text, /Example Inc\./);
});

withHarness("pages: French rendering of the import page and the dashboard", async (h) => {
  const marie = await h.signup({ locale: "fr", timezone: "America/Montreal" });
  const form = await page(marie, "/import");
  assert.match(form.html, /<html lang="fr-CA">/);
  assert.match(form.html, /<h1>Importer une analyse<\/h1>/);
  assert.match(form.text, /Ou téléversez un fichier \.json/);

  const bad = sampleAnalysis() as unknown as {
    results_summary: { identity_a1: Record<string, unknown> };
  };
  delete bad.results_summary.identity_a1.company_name;
  const res = await importPasted(marie, JSON.stringify(bad));
  assert.equal(res.status, 400);
  assert.match(
    visibleText(await res.text()),
    /results_summary\.identity_a1\.company_name est obligatoire/,
  );

  const id = await importSample(marie);
  await marie.form(`/analyses/${id}/progress`, {
    opportunity_id: "value_creation",
    status: "IN_PROGRESS",
  });
  await marie.form(`/analyses/${id}/progress`, {
    opportunity_id: "value_creation",
    status: "IMPLEMENTED",
  });
  await marie.form(`/analyses/${id}/rate`, { hourly_rate: "50" });
  const dash = await page(
    marie,
    `/analyses/${id}?notice=progress&opportunity=value_creation&status=IMPLEMENTED&badges=quick_win`,
  );
  const text = dash.text;
  assert.match(
    text,
    /Création de valeur\u00a0: maintenant implémentée\. Badge obtenu\u00a0: ⚡ Victoire Rapide!/,
  );
  for (
    const expected of [
      "Toutes les analyses",
      "Progrès",
      "33\u00a0% terminé",
      "Temps et argent économisés",
      "8\u00a0h/semaine",
      "20\u00a0800\u00a0$ par année",
      "Présence numérique",
      "Commencer",
      "Marquer implémentée",
      "Quoi faire ensuite",
      "Heures par semaine, par catégorie",
      "Premier Pas",
      "Rapports par courriel",
      "Hebdomadaires",
    ]
  ) {
    assert.ok(text.includes(expected), `missing French text: ${expected}`);
  }
  assert.match(dash.html, /Implémentée le \d{1,2} [a-zéû.]+ \d{4}/);
  // The islands are told to format in French, in the user's zone.
  assert.match(dash.html, /"format":\{"locale":"fr","timeZone":"America\/Montreal"\}/);
});

Deno.test("pages: the signed-in home page, reused from memory, shows every change at once", async () => {
  const h = await startHarness({ env: { REDIS_URL: REDIS_TEST_URL } });
  const other = await startHarness({ env: { REDIS_URL: REDIS_TEST_URL } });
  try {
    const alice = await h.signup({ name: "Alice" });
    const aliceElsewhere = other.client();
    for (const [name, value] of alice.cookies) aliceElsewhere.cookies.set(name, value);
    const home = async () => {
      const res = await alice.get("/dashboard");
      assert.equal(res.status, 200);
      return await res.text();
    };
    const first = await home();
    assert.match(first, /Hello, Alice/);
    assert.equal(await home(), first, "the same document again");

    // A rename, a language switch and an import made through another instance.
    const patched = await aliceElsewhere.request("/api/v1/me", {
      method: "PATCH",
      json: { name: "Alicia", locale: "fr" },
    });
    assert.equal(patched.status, 200);
    const renamed = await home();
    assert.match(renamed, /Bonjour, Alicia/);
    assert.match(renamed, /<html lang="fr-CA"/);
    const imported = await aliceElsewhere.post("/api/v1/analyses", sampleAnalysis());
    assert.equal(imported.status, 201);
    const company = sampleAnalysis().results_summary.identity_a1.company_name;
    assert.ok((await home()).includes(company), "the new analysis is listed");
  } finally {
    await h.close();
    await other.close();
  }
});
