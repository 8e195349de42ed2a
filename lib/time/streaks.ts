/**
 * Activity days and streaks in a person's own time zone, with Temporal. A day is whatever the
 * zone says it is (23 or 25 hours across DST changes), so instants are mapped to calendar dates
 * in the zone first and only then compared.
 */

/** The distinct calendar dates (YYYY-MM-DD, ascending) on which the instants fall in `zone`. */
export function activityDays(instants: Iterable<string>, zone: string): string[] {
  const days = new Set<string>();
  for (const instant of instants) {
    days.add(Temporal.Instant.from(instant).toZonedDateTimeISO(zone).toPlainDate().toString());
  }
  return [...days].sort();
}

/** The longest run of consecutive dates in an ascending list of YYYY-MM-DD dates. */
export function longestStreak(days: string[]): number {
  let best = 0;
  let run = 0;
  let previous: Temporal.PlainDate | null = null;
  for (const text of days) {
    const day = Temporal.PlainDate.from(text);
    run = previous && Temporal.PlainDate.compare(previous.add({ days: 1 }), day) === 0
      ? run + 1
      : 1;
    best = Math.max(best, run);
    previous = day;
  }
  return best;
}

/**
 * The run of consecutive days that is still alive at `now`: it ends today or yesterday in `zone`
 * (yesterday counts, so a streak is not "broken" before the day is over).
 */
export function currentStreak(days: string[], zone: string, now: Temporal.Instant): number {
  if (days.length === 0) return 0; // the common case, without the zone arithmetic
  const today = now.toZonedDateTimeISO(zone).toPlainDate();
  const set = new Set(days);
  let cursor = set.has(today.toString()) ? today : today.subtract({ days: 1 });
  let run = 0;
  while (set.has(cursor.toString())) {
    run++;
    cursor = cursor.subtract({ days: 1 });
  }
  return run;
}
