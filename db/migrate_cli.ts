/**
 * `deno task migrate up | down [N] | status` against the configured database (the embedded one
 * in DATA_DIR when DATABASE_URL is unset — stop the app first: PGlite is single-process).
 */
import { ConfigError, loadConfig } from "../lib/config/config.ts";
import { migrateDown, migrateUp, migrationStatus } from "../lib/db/migrate.ts";
import { openDatabase } from "../lib/db/open.ts";

const [command = "status", arg] = Deno.args;
const usage = "usage: deno task migrate up | down [N] | status";
if (!["up", "down", "status"].includes(command)) {
  console.error(usage);
  Deno.exit(2);
}
const steps = command === "down" ? Number(arg ?? 1) : 0;
if (command === "down" && (!Number.isInteger(steps) || steps < 1)) {
  console.error(`down needs a positive whole number of steps. ${usage}`);
  Deno.exit(2);
}

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  Deno.exit(1);
}

const database = await openDatabase(config);
try {
  if (command === "up") {
    const applied = await migrateUp(database.db.sql);
    console.log(
      applied.length
        ? applied.map((m) => `applied ${m.version} ${m.name}`).join("\n")
        : "up to date",
    );
  } else if (command === "down") {
    const reverted = await migrateDown(database.db.sql, steps);
    console.log(
      reverted.length
        ? reverted.map((m) => `reverted ${m.version} ${m.name}`).join("\n")
        : "nothing to revert",
    );
  } else {
    for (const row of await migrationStatus(database.db.sql)) {
      const state = row.appliedAt ? `applied ${row.appliedAt.toISOString()}` : "pending";
      console.log(`${String(row.version).padStart(4, "0")} ${row.name.padEnd(30)} ${state}`);
    }
  }
} finally {
  await database.close();
}
