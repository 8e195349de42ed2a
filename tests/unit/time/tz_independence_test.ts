/**
 * Streaks and badge criteria must not depend on the server's own time zone. Re-runs the pure
 * time and badge tests in child processes whose TZ is far from UTC (India, +05:30; Newfoundland,
 * −02:30 in June), which also checks (via HEADWAY_EXPECT_TZ_OFFSET) that the child really ran in
 * that zone.
 */
import assert from "node:assert/strict";

const FILES = ["./streaks_test.ts", "../badges/criteria_test.ts"].map((f) =>
  new URL(f, import.meta.url).pathname
);

for (const [tz, offset] of [["Asia/Kolkata", "-330"], ["America/St_Johns", "150"]] as const) {
  Deno.test(`streak and badge tests pass with the process in TZ=${tz}`, async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-all", "--no-check", ...FILES],
      cwd: new URL("../../../", import.meta.url).pathname, // the repo root, for deno.json
      env: { TZ: tz, HEADWAY_EXPECT_TZ_OFFSET: offset, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    });
    const { code, stdout, stderr } = await child.output();
    const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 0, out);
    assert.match(out, /ok \| \d+ passed \| 0 failed/);
    assert.match(out, /process TZ is honoured by the environment but ignored by streaks \.\.\. ok/);
  });
}
