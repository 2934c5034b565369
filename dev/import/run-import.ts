// The import from end to end: source rows in batches → checked by our rules → one statement per batch →
// the report. The command (dev/import-users.ts) adds the flags, the progress bar and the summary.
import { neon } from "@neondatabase/serverless";
import type { DatabaseTarget } from "../stack/database-target";
import { throughLocalEndpoint } from "../stack/neon-routing";
import { checkDestination, writeBatch } from "./batch-writer";
import type { ColumnMap, ImportField } from "./column-map";
import { openReport, type NotImported, type Reason } from "./report";
import { openSource } from "./source";
import { isAccount, RowChecker, type AccountToImport } from "./validate";

/** Rows per statement: about 300 KiB of JSON, far inside what Neon's HTTP endpoint takes in one request. */
export const DEFAULT_BATCH_SIZE = 1000;

export interface ImportOptions {
  /** The source Postgres URL (node-postgres). */
  from: string;
  /** `table` or `schema.table`. */
  table: string;
  /** `--map`: field → source column, or null for "do not read it". */
  map?: Partial<Record<ImportField, string | null>>;
  /** Read and check everything, conflicts with this database included, and write nothing to it. */
  dryRun?: boolean;
  reportPath: string;
  batchSize?: number;
  /** The import's time: created_at where the source has none, updated_at, email_verified_at. */
  now?: Date;
}

export interface ImportHooks {
  onStart?(source: { name: string; map: ColumnMap; total: number }): void;
  onProgress?(done: number): void;
}

export interface ImportSummary {
  source: string;
  dryRun: boolean;
  read: number;
  /** In a dry run: would be imported. */
  imported: number;
  /** Left alone because an account here has the address or the id. */
  alreadyHere: number;
  /** Of those, the ones an earlier run imported (same id, same address). */
  importedBefore: number;
  /** Every other reason a row was not imported, with its count. */
  rejected: Partial<Record<Exclude<Reason, "already_here">, number>>;
  seconds: number;
  rowsPerSecond: number;
  reportPath: string;
}

/** A batch's statement failed. Batches before it are in, and reported; the failed one wrote nothing. */
export class BatchFailed extends Error {
  override name = "BatchFailed";
}

export async function importUsers(target: DatabaseTarget, opts: ImportOptions, hooks: ImportHooks = {}): Promise<ImportSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const sql = neon(target.databaseUrl);
  await throughLocalEndpoint(target.localEndpoint, () => checkDestination(sql));
  const source = await openSource(opts.from, opts.table, opts.map ?? {});
  let report;
  try {
    report = openReport(opts.reportPath);
  } catch (err) {
    await source.close();
    throw err;
  }
  const summary: ImportSummary = {
    source: source.name,
    dryRun: opts.dryRun ?? false,
    read: 0,
    imported: 0,
    alreadyHere: 0,
    importedBefore: 0,
    rejected: {},
    seconds: 0,
    rowsPerSecond: 0,
    reportPath: opts.reportPath,
  };
  const tally = (lines: readonly NotImported[]) => {
    for (const { reason } of lines) {
      if (reason === "already_here") summary.alreadyHere++;
      else summary.rejected[reason] = (summary.rejected[reason] ?? 0) + 1;
    }
  };
  hooks.onStart?.({ name: source.name, map: source.map, total: source.total });
  const checker = new RowChecker(source);

  // The next batch is fetched from the source while this one is written.
  let fetching = source.nextBatch(batchSize);
  try {
    await throughLocalEndpoint(target.localEndpoint, async () => {
      for (let rows = await fetching; rows.length > 0; rows = await fetching) {
        fetching = source.nextBatch(batchSize);
        const firstRow = summary.read + 1;
        const accounts: AccountToImport[] = [];
        const rejected: NotImported[] = [];
        for (const [i, row] of rows.entries()) {
          const checked = checker.check(row, firstRow + i);
          if (isAccount(checked)) accounts.push(checked);
          else rejected.push(checked);
        }
        let written;
        try {
          written = await writeBatch(sql, accounts, { now, dryRun: summary.dryRun });
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          throw new BatchFailed(
            `the batch of rows ${firstRow}–${firstRow + rows.length - 1} failed: ${why}\n` +
              (summary.dryRun
              ? `Nothing was written (dry run); rows before it are reported in ${report.path}.`
              : `It is one statement, so all of it or none was written. Rows before it are imported and reported in ${report.path}; running again goes on from there.`),
            { cause: err },
          );
        }
        const lines = [...rejected, ...written.notImported].sort((a, b) => a.row - b.row);
        report.write(lines);
        tally(lines);
        summary.read += rows.length;
        summary.imported += written.imported.length;
        summary.importedBefore += written.importedBefore;
        hooks.onProgress?.(summary.read);
      }
    });
  } finally {
    // A pending fetch after a failure must not surface as an unhandled rejection.
    await fetching.catch(() => []);
    report.close();
    await source.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsPerSecond = summary.seconds > 0 ? summary.read / summary.seconds : 0;
  return summary;
}
