/** The status rules (lib/opportunities/progress.ts canTransition): all nine pairs. */
import assert from "node:assert/strict";
import { canTransition } from "../../../lib/opportunities/progress.ts";
import { type Status, STATUSES } from "../../../lib/opportunities/types.ts";

/** from → to → allowed. Same status is allowed (a no-op); nothing leaves IMPLEMENTED. */
const TABLE: Record<Status, Record<Status, boolean>> = {
  NOT_STARTED: { NOT_STARTED: true, IN_PROGRESS: true, IMPLEMENTED: true },
  IN_PROGRESS: { NOT_STARTED: true, IN_PROGRESS: true, IMPLEMENTED: true },
  IMPLEMENTED: { NOT_STARTED: false, IN_PROGRESS: false, IMPLEMENTED: true },
};

for (const from of STATUSES) {
  for (const to of STATUSES) {
    Deno.test(`canTransition: ${from} → ${to} is ${TABLE[from][to] ? "allowed" : "refused"}`, () => {
      assert.equal(canTransition(from, to), TABLE[from][to]);
    });
  }
}

Deno.test("canTransition: the table covers exactly the three statuses", () => {
  assert.deepEqual([...STATUSES], ["NOT_STARTED", "IN_PROGRESS", "IMPLEMENTED"]);
});
