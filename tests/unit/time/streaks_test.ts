/**
 * Streaks in the owner's own time zone (lib/time/streaks.ts): calendar days are the zone's, across
 * DST changes (23- and 25-hour days, Lord Howe's 30-minute shift), in zones far from UTC.
 *
 * Each multi-day case uses late (23:30) and early (00:30) local times so that counting days in UTC
 * gives a different answer: the test asserts the local one AND that UTC would differ, so a
 * UTC-based implementation cannot pass by accident. Nothing here may depend on the process' TZ;
 * tz_independence_test.ts re-runs this file under TZ=Asia/Kolkata and TZ=America/St_Johns.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { activityDays, currentStreak, longestStreak } from "../../../lib/time/streaks.ts";

/** Local wall-clock times in `zone` → ISO instants ("compatible" disambiguation, like the app). */
function instants(zone: string, localTimes: string[]): string[] {
  return localTimes.map((t) =>
    Temporal.PlainDateTime.from(t).toZonedDateTime(zone).toInstant().toString()
  );
}

/** Seven consecutive local dates from `start`, alternating 23:30 and 00:30 (starting with `first`). */
function alternating(start: string, first: "23:30" | "00:30"): string[] {
  const day = Temporal.PlainDate.from(start);
  return Array.from({ length: 7 }, (_, i) => {
    const time = (i % 2 === 0) === (first === "23:30") ? "23:30" : "00:30";
    return `${day.add({ days: i }).toString()}T${time}`;
  });
}

const dates = (start: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) => Temporal.PlainDate.from(start).add({ days: i }).toString(),
  );

interface ZoneCase {
  zone: string;
  start: string;
  first: "23:30" | "00:30";
  note: string;
}

const CASES: ZoneCase[] = [
  {
    zone: "America/New_York",
    start: "2025-03-06",
    first: "23:30",
    note: "spring forward 2025-03-09 (23-hour day)",
  },
  {
    zone: "America/New_York",
    start: "2025-10-30",
    first: "23:30",
    note: "fall back 2025-11-02 (25-hour day)",
  },
  { zone: "Europe/London", start: "2025-03-27", first: "00:30", note: "BST starts 2025-03-30" },
  { zone: "Europe/London", start: "2025-10-23", first: "00:30", note: "BST ends 2025-10-26" },
  { zone: "Asia/Kolkata", start: "2025-06-10", first: "00:30", note: "UTC+05:30, no DST" },
  {
    zone: "Australia/Lord_Howe",
    start: "2025-04-03",
    first: "00:30",
    note: "30-minute DST shift 2025-04-06",
  },
  {
    zone: "Australia/Lord_Howe",
    start: "2025-10-02",
    first: "00:30",
    note: "30-minute DST shift 2025-10-05",
  },
  { zone: "Pacific/Kiritimati", start: "2025-06-10", first: "00:30", note: "UTC+14" },
];

for (const c of CASES) {
  Deno.test(`streak: 7 consecutive local days in ${c.zone} (${c.note}) = 7, whatever UTC says`, () => {
    const events = instants(c.zone, alternating(c.start, c.first));
    const local = activityDays(events, c.zone);
    assert.deepEqual(local, dates(c.start, 7));
    assert.equal(longestStreak(local), 7);
    // Counted in UTC the same events are NOT seven consecutive days.
    const utc = activityDays(events, "UTC");
    assert.ok(longestStreak(utc) < 7, `UTC streak ${longestStreak(utc)} for ${utc.join(",")}`);
    // And the streak is alive the next local evening (yesterday counts) and today.
    const lastDay = Temporal.PlainDate.from(c.start).add({ days: 6 });
    const nextEvening = lastDay.add({ days: 1 }).toZonedDateTime({
      timeZone: c.zone,
      plainTime: "20:00",
    }).toInstant();
    assert.equal(currentStreak(local, c.zone, nextEvening), 7);
    const sameDayLate = lastDay.toZonedDateTime({ timeZone: c.zone, plainTime: "23:59" })
      .toInstant();
    assert.equal(currentStreak(local, c.zone, sameDayLate), 7);
    const twoDaysLater = lastDay.add({ days: 2 }).toZonedDateTime({
      timeZone: c.zone,
      plainTime: "00:01",
    }).toInstant();
    assert.equal(currentStreak(local, c.zone, twoDaysLater), 0);
  });
}

Deno.test("streak: 23:30 and 00:30 local (one hour apart) are two days", () => {
  for (const zone of ["America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "UTC"]) {
    const events = instants(zone, ["2025-11-01T23:30", "2025-11-02T00:30"]);
    assert.equal(
      Temporal.Instant.from(events[1]).since(events[0]).total("minutes"),
      60,
      zone,
    );
    assert.deepEqual(activityDays(events, zone), ["2025-11-01", "2025-11-02"], zone);
  }
});

Deno.test("streak: the DST day itself is one local day, whether it lasts 23 or 25 hours", () => {
  const spring = instants("America/New_York", ["2025-03-09T00:30", "2025-03-09T23:30"]);
  assert.equal(Temporal.Instant.from(spring[1]).since(spring[0]).total("hours"), 22);
  assert.deepEqual(activityDays(spring, "America/New_York"), ["2025-03-09"]);
  const fall = instants("America/New_York", ["2025-11-02T00:30", "2025-11-02T23:30"]);
  assert.equal(Temporal.Instant.from(fall[1]).since(fall[0]).total("hours"), 24);
  assert.deepEqual(activityDays(fall, "America/New_York"), ["2025-11-02"]);
  // Both 01:30s of the repeated hour are 2025-11-02.
  assert.deepEqual(
    activityDays(["2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z"], "America/New_York"),
    ["2025-11-02"],
  );
});

Deno.test("streak: instants with offsets and 15-minute buckets map to the right local day", () => {
  // 2025-06-15T18:29Z is 23:59 in Kolkata; 18:30Z is 00:00 the next day.
  assert.deepEqual(activityDays(["2025-06-15T18:29:00Z"], "Asia/Kolkata"), ["2025-06-15"]);
  assert.deepEqual(activityDays(["2025-06-15T18:30:00Z"], "Asia/Kolkata"), ["2025-06-16"]);
  assert.deepEqual(activityDays(["2025-06-16T00:00:00+05:30"], "Asia/Kolkata"), ["2025-06-16"]);
  // Kiritimati is 14 hours ahead: 10:00Z is already the next day.
  assert.deepEqual(activityDays(["2025-06-15T10:00:00Z"], "Pacific/Kiritimati"), ["2025-06-16"]);
});

Deno.test("currentStreak: yesterday counts; today counts; a gap ends it — in the owner's zone", () => {
  const days = dates("2025-06-10", 5); // 10..14
  const zone = "UTC";
  assert.equal(currentStreak(days, zone, Temporal.Instant.from("2025-06-14T23:00:00Z")), 5);
  assert.equal(currentStreak(days, zone, Temporal.Instant.from("2025-06-15T23:59:00Z")), 5);
  assert.equal(currentStreak(days, zone, Temporal.Instant.from("2025-06-16T00:00:00Z")), 0);
  assert.equal(currentStreak([], zone, Temporal.Instant.from("2025-06-16T00:00:00Z")), 0);
  // 2025-06-15T11:00Z is 2025-06-16 01:00 in Kiritimati: yesterday there was the 15th, no activity.
  const now = Temporal.Instant.from("2025-06-15T11:00:00Z");
  assert.equal(currentStreak(days, "UTC", now), 5);
  assert.equal(currentStreak(days, "Pacific/Kiritimati", now), 0);
  // …and 2025-06-15T20:00Z is still the 15th in New York: the streak is alive there.
  assert.equal(
    currentStreak(days, "America/New_York", Temporal.Instant.from("2025-06-16T03:00:00Z")),
    5,
  );
});

Deno.test("currentStreak: a run that includes today and yesterday counts both", () => {
  const days = dates("2025-03-05", 7); // 5..11 March, across the NY spring-forward
  const now = Temporal.PlainDateTime.from("2025-03-11T08:00").toZonedDateTime("America/New_York")
    .toInstant();
  assert.equal(currentStreak(days, "America/New_York", now), 7);
  assert.equal(currentStreak(days.slice(0, 6), "America/New_York", now), 6); // ends yesterday
  assert.equal(currentStreak(days.slice(0, 5), "America/New_York", now), 0); // ended 2 days ago
});

Deno.test("longestStreak (property): equals the longest run of consecutive dates", () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }), (offsets) => {
      const sorted = [...offsets].sort((a, b) => a - b);
      const base = Temporal.PlainDate.from("2024-02-20"); // spans a leap day
      const days = sorted.map((o) => base.add({ days: o }).toString());
      let best = 0;
      let run = 0;
      for (let i = 0; i < sorted.length; i++) {
        run = i > 0 && sorted[i] === sorted[i - 1] + 1 ? run + 1 : 1;
        best = Math.max(best, run);
      }
      assert.equal(longestStreak(days), best);
    }),
    { numRuns: 300 },
  );
});

Deno.test("activityDays (property): one local day per distinct date, whatever the zone", () => {
  const zones = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "America/St_Johns",
    "Asia/Kathmandu",
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...zones),
      fc.array(fc.integer({ min: 0, max: 400 * 96 }), { maxLength: 30 }),
      (zone, quarterHours) => {
        const origin = Temporal.Instant.from("2025-01-01T00:00:00Z");
        const events = quarterHours.map((q) => origin.add({ minutes: 15 * q }).toString());
        const days = activityDays(events, zone);
        const expected = [
          ...new Set(
            events.map((e) =>
              Temporal.Instant.from(e).toZonedDateTimeISO(zone).toPlainDate().toString()
            ),
          ),
        ].sort();
        assert.deepEqual(days, expected);
        for (let i = 1; i < days.length; i++) assert.ok(days[i - 1] < days[i]);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("process TZ is honoured by the environment but ignored by streaks", () => {
  const expected = Deno.env.get("HEADWAY_EXPECT_TZ_OFFSET");
  if (expected !== undefined) {
    // Running under tz_independence_test.ts: prove the child process really is in another zone.
    assert.equal(String(new Date("2025-06-15T12:00:00Z").getTimezoneOffset()), expected);
  }
  const events = instants("America/New_York", alternating("2025-03-06", "23:30"));
  assert.deepEqual(activityDays(events, "America/New_York"), dates("2025-03-06", 7));
});
