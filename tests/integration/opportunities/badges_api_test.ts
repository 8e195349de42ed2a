/**
 * Badges through the API with the definitions in Postgres: the seed's five (names, icons,
 * points, both languages), efficiency_expert, streak_master from the append-only event log in the
 * owner's own time zone, and a new badge added purely as data.
 */
import assert from "node:assert/strict";
import { forgetBadgeDefinitions } from "../../../lib/badges/definitions.ts";
import { startHarness } from "../../support/harness.ts";
import {
  awardedKeys,
  badgeTypes,
  getJson,
  importSample,
  localInstant,
  progressOk,
} from "./helpers.ts";
import type { Harness } from "../../support/harness.ts";

const SEED_BADGES = [
  ["first_step", "First Step", "Premier Pas", "🎯", 10],
  ["quick_win", "Quick Win", "Victoire Rapide", "⚡", 25],
  ["time_saver", "Time Saver", "Économiseur de Temps", "⏰", 50],
  ["efficiency_expert", "Efficiency Expert", "Expert Efficacité", "🏆", 100],
  ["streak_master", "Streak Master", "Maître de la Constance", "🔥", 75],
] as const;

Deno.test("badges: the seed's five, from the definitions table, in English and French", async () => {
  const h = await startHarness();
  try {
    for (const locale of ["en", "fr"] as const) {
      const user = await h.signup({ locale });
      const id = await importSample(user);
      const body = await getJson(user, `/api/v1/dashboard/${id}/badges`);
      assert.equal(body.analysis_id, id);
      assert.deepEqual(body.badges, []);
      assert.equal(body.total_badges, 0);
      assert.deepEqual(
        body.upcoming_badges.map((
          b: { badge_type: string; badge_name: string; icon: string; points: number },
        ) => [b.badge_type, b.badge_name, b.icon, b.points]),
        SEED_BADGES.map(([key, en, fr, icon, points]) => [
          key,
          locale === "fr" ? fr : en,
          icon,
          points,
        ]),
      );
      for (const b of body.upcoming_badges) {
        assert.equal(typeof b.description, "string");
        assert.ok(b.description.length > 0);
        assert.equal(typeof b.progress_text, "string");
      }
    }
  } finally {
    await h.close();
  }
});

Deno.test("badges: efficiency_expert when every opportunity is implemented (not before)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const a = await progressOk(alice, id, "digital_presence", "IMPLEMENTED");
    const b = await progressOk(alice, id, "business_management", "IMPLEMENTED");
    assert.ok(!badgeTypes([...a.new_badges, ...b.new_badges]).includes("efficiency_expert"));
    const progressBody = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    const expert = progressBody.upcoming_badges.find((x: { badge_type: string }) =>
      x.badge_type === "efficiency_expert"
    );
    assert.equal(expert.progress_text, "2 / 3 opportunities implemented");
    await progressOk(alice, id, "value_creation", "IN_PROGRESS");
    const c = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
    assert.ok(badgeTypes(c.new_badges).includes("efficiency_expert"));
    const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    assert.deepEqual(badgeTypes(badges.badges).sort(), [
      "efficiency_expert",
      "first_step",
      "quick_win",
      "time_saver",
    ]);
    assert.equal(badges.total_badges, 4);
    assert.equal(badges.total_points, 10 + 25 + 50 + 100);
    assert.deepEqual(badgeTypes(badges.upcoming_badges), ["streak_master"]);
  } finally {
    await h.close();
  }
});

/**
 * Inserts past progress events on `days` local dates before today (in `zone`), alternating 23:30
 * and 00:30 local so that a count in UTC would find fewer consecutive days.
 */
async function insertPastActivity(h: Harness, id: string, zone: string, days: number) {
  const today = Temporal.Now.plainDateISO(zone);
  const rows = Array.from({ length: days }, (_, i) => {
    const date = today.subtract({ days: days - i });
    return {
      analysis_id: id,
      opportunity_id: "digital_presence",
      from_status: "NOT_STARTED",
      to_status: "IN_PROGRESS",
      occurred_at: localInstant(zone, date, i % 2 === 0 ? "23:30" : "00:30"),
    };
  });
  await h.db.sql`insert into progress_events ${h.db.sql(rows)}`;
  return rows.map((r) => r.occurred_at);
}

Deno.test("badges: streak_master after activity on 7 consecutive days in the owner's zone", async () => {
  const h = await startHarness();
  try {
    const zone = "America/New_York";
    const alice = await h.signup({ timezone: zone });
    const id = await importSample(alice);
    const instants = await insertPastActivity(h, id, zone, 6);
    // Today's change is the seventh day.
    const body = await progressOk(alice, id, "value_creation", "IN_PROGRESS");
    assert.ok(badgeTypes(body.new_badges).includes("streak_master"), JSON.stringify(body));
    const streak = body.new_badges.find((b: { badge_type: string }) =>
      b.badge_type === "streak_master"
    );
    assert.equal(streak.points, 75);
    assert.equal(streak.icon, "🔥");
    assert.ok((await awardedKeys(h, id)).includes("streak_master"));

    // The very same instants for an owner in UTC are NOT seven consecutive days there.
    const bob = await h.signup({ timezone: "UTC" });
    const bobId = await importSample(bob);
    await h.db.sql`insert into progress_events ${
      h.db.sql(instants.map((occurred_at) => ({
        analysis_id: bobId,
        opportunity_id: "digital_presence",
        from_status: "NOT_STARTED",
        to_status: "IN_PROGRESS",
        occurred_at,
      })))
    }`;
    const bobBody = await progressOk(bob, bobId, "value_creation", "IN_PROGRESS");
    assert.ok(!badgeTypes(bobBody.new_badges).includes("streak_master"));
    assert.ok(!(await awardedKeys(h, bobId)).includes("streak_master"));
  } finally {
    await h.close();
  }
});

Deno.test("badges: 6 consecutive days is not a streak_master; progress shows 6 / 7", async () => {
  const h = await startHarness();
  try {
    for (const zone of ["Asia/Kolkata", "Pacific/Kiritimati", "America/St_Johns"]) {
      const alice = await h.signup({ timezone: zone, locale: "en" });
      const id = await importSample(alice);
      await insertPastActivity(h, id, zone, 5);
      const body = await progressOk(alice, id, "value_creation", "IN_PROGRESS");
      assert.ok(!badgeTypes(body.new_badges).includes("streak_master"), zone);
      const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
      const streak = badges.upcoming_badges.find((b: { badge_type: string }) =>
        b.badge_type === "streak_master"
      );
      assert.equal(streak.progress_text, "6 / 7 consecutive days", zone);
      assert.deepEqual(streak.progress, { current: 6, target: 7, unit: "days" });
      const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
      assert.equal(
        dashboard.upcoming_badges.find((b: { badge_type: string }) =>
          b.badge_type === "streak_master"
        ).progress_text,
        "6 / 7 consecutive days",
      );
    }
  } finally {
    await h.close();
  }
});

Deno.test("badges: a gap in the days breaks the streak", async () => {
  const h = await startHarness();
  try {
    const zone = "Europe/London";
    const alice = await h.signup({ timezone: zone });
    const id = await importSample(alice);
    const today = Temporal.Now.plainDateISO(zone);
    // Days −8 … −2 (seven days, but ending the day before yesterday) then a gap, then today.
    const rows = [8, 7, 6, 5, 4, 3, 2].map((n) => ({
      analysis_id: id,
      opportunity_id: "digital_presence",
      from_status: "NOT_STARTED",
      to_status: "IN_PROGRESS",
      occurred_at: localInstant(zone, today.subtract({ days: n }), "12:00"),
    }));
    // …minus day −5: two runs of 3 days.
    await h.db.sql`insert into progress_events ${h.db.sql(rows.filter((_, i) => i !== 3))}`;
    const body = await progressOk(alice, id, "value_creation", "IN_PROGRESS");
    assert.ok(!badgeTypes(body.new_badges).includes("streak_master"));
    const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    const streak = badges.upcoming_badges.find((b: { badge_type: string }) =>
      b.badge_type === "streak_master"
    );
    assert.equal(streak.progress_text, "1 / 7 consecutive days");
  } finally {
    await h.close();
  }
});

Deno.test("badges: a new definition row is awarded with no code change", async () => {
  const h = await startHarness();
  const key = `three_hours_${crypto.randomUUID().slice(0, 8)}`;
  const inactiveKey = `${key}_off`;
  try {
    await h.db.sql`
      insert into badge_definitions
        (badge_key, criterion, params, points, icon, sort_order, name, description, active)
      values
        (${key}, 'implemented_hours_at_least', ${
      h.db.sql.json({ hours_per_week: 3 })
    }, 15, '⭐', 90,
         ${h.db.sql.json({ en: "Three Hours", fr: "Trois Heures" })},
         ${h.db.sql.json({ en: "3+ hours per week saved", fr: "3+ heures par semaine" })}, true),
        (${inactiveKey}, 'implemented_hours_at_least', ${h.db.sql.json({ hours_per_week: 1 })}, 5,
         '💤', 91, ${h.db.sql.json({ en: "Off", fr: "Off" })},
         ${h.db.sql.json({ en: "Inactive", fr: "Inactive" })}, false)`;
    forgetBadgeDefinitions();

    const alice = await h.signup({ locale: "fr" });
    const id = await importSample(alice);
    const first = await progressOk(alice, id, "business_management", "IMPLEMENTED"); // 2 h
    assert.ok(!badgeTypes(first.new_badges).includes(key));
    const before = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    const upcoming = before.upcoming_badges.find((b: { badge_type: string }) =>
      b.badge_type === key
    );
    assert.equal(upcoming.progress_text, "2 / 3 h par semaine");
    assert.equal(upcoming.badge_name, "Trois Heures");
    assert.ok(!badgeTypes(before.upcoming_badges).includes(inactiveKey));

    const second = await progressOk(alice, id, "digital_presence", "IMPLEMENTED"); // 7 h
    const earned = second.new_badges.find((b: { badge_type: string }) => b.badge_type === key);
    assert.ok(earned, JSON.stringify(second.new_badges));
    assert.deepEqual(
      { name: earned.badge_name, icon: earned.icon, points: earned.points },
      { name: "Trois Heures", icon: "⭐", points: 15 },
    );
    const keys = await awardedKeys(h, id);
    assert.ok(keys.includes(key));
    assert.ok(!keys.includes(inactiveKey));
    const after = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    assert.ok(badgeTypes(after.badges).includes(key));
    assert.equal(after.total_points, 10 + 25 + 15);
    // Awarded once, not again on the next change.
    const third = await progressOk(alice, id, "value_creation", "IN_PROGRESS");
    assert.deepEqual(third.new_badges, []);
  } finally {
    await h.db.sql`delete from user_badges where badge_key in (${key}, ${inactiveKey})`;
    await h.db.sql`delete from badge_definitions where badge_key in (${key}, ${inactiveKey})`;
    forgetBadgeDefinitions();
    await h.close();
  }
});
