/**
 * The status rules, as pure data shared by the server (which enforces them) and the dashboard
 * islands (which only offer what the server will accept): forward moves, including
 * NOT_STARTED → IMPLEMENTED; IN_PROGRESS → NOT_STARTED (undo a start); nothing out of
 * IMPLEMENTED. The same status is a no-op, not an error.
 */
import type { Status } from "./types.ts";

/** Where each status may go next, in the order the page offers them. */
export const NEXT_STATUSES: Readonly<Record<Status, readonly Status[]>> = {
  NOT_STARTED: ["IN_PROGRESS", "IMPLEMENTED"],
  IN_PROGRESS: ["IMPLEMENTED", "NOT_STARTED"],
  IMPLEMENTED: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return from === to || NEXT_STATUSES[from].includes(to);
}
