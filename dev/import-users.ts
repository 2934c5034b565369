// npm run import:users -- --from <postgres url> [--table users] [--map field=column,…] [--dry-run] [--report <file>]
// Copies the accounts of an old FastAPI service's Postgres into DATABASE_URL (see database-target.ts for
// where that leads); README, "Moving from an existing service", says what becomes of each row.
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { ColumnMapError, describeColumnMap, IMPORT_FIELDS, parseMapOption } from "./import/column-map";
import { defaultReportPath } from "./import/report";
import { importUsers } from "./import/run-import";
import { count, formatSummary } from "./import/summary";
import { withDatabase } from "./stack/database-target";

const USAGE = `usage: npm run import:users -- --from <postgres url> [--table users] [--map field=column,…] [--dry-run] [--report <file>]
  fields for --map: ${IMPORT_FIELDS.join(", ")} ("field=" leaves one unread)`;

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      from: { type: "string" },
      table: { type: "string", default: "users" },
      map: { type: "string", multiple: true, default: [] },
      "dry-run": { type: "boolean", default: false },
      report: { type: "string" },
    },
    strict: true,
  }).values;
} catch (err) {
  usageError(err instanceof Error ? err.message : String(err));
}
const from = args.from ?? usageError("--from is required");
let map;
try {
  map = parseMapOption(args.map);
} catch (err) {
  usageError(err instanceof Error ? err.message : String(err));
}
const dryRun = args["dry-run"];
const reportPath = args.report ?? defaultReportPath(new Date());

withDatabase(async (target) => {
  const bar = new cliProgress.SingleBar(
    { format: `${dryRun ? "checking" : "importing"} |{bar}| {value}/{total} rows · {rate} rows/s · ETA {eta_formatted}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let summary;
  try {
    summary = await importUsers(
      target,
      { from, table: args.table, map, dryRun, reportPath },
      {
        onStart: ({ name, map, total }) => {
          console.log(`${name} → ${target.description}${dryRun ? " (dry run: nothing is written)" : ""}\n  columns: ${describeColumnMap(map)}`);
          bar.start(total, 0, { rate: "0" });
        },
        onProgress: (done) => bar.update(done, { rate: count(done / ((performance.now() - started) / 1000)) }),
      },
    );
  } finally {
    bar.stop();
  }
  console.log(formatSummary(summary));
}).catch((err: unknown) => {
  console.error(err instanceof ColumnMapError ? `${err.message}\n${USAGE}` : err instanceof Error ? err.message : err);
  process.exit(1);
});
