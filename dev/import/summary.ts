// What the command prints when it is done: counts, time and rate, and where the report is.
import { REASONS, type Reason } from "./report";
import type { ImportSummary } from "./run-import";

/** 100 000, as the README writes numbers. */
export const count = (n: number): string => Math.round(n).toLocaleString("en-US").replaceAll(",", " ");

export function formatSummary(s: ImportSummary): string {
  const verb = s.dryRun ? "would import" : "imported";
  const rejectedTotal = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  const lines = [
    `${s.dryRun ? "dry run, nothing written: " : ""}${verb} ${count(s.imported)} of ${count(s.read)} rows from ${s.source} in ${s.seconds.toFixed(1)} s (${count(s.rowsPerSecond)} rows/s)`,
    `  already here: ${count(s.alreadyHere)}${s.alreadyHere ? ` (imported before: ${count(s.importedBefore)}${s.importedBefore < s.alreadyHere ? "; the others are accounts made here, or changed here since" : ""})` : ""}`,
    `  not imported: ${count(rejectedTotal)}`,
  ];
  const reasons = (Object.entries(s.rejected) as [Reason, number][]).sort((a, b) => b[1] - a[1]);
  const width = Math.max(0, ...reasons.map(([reason]) => reason.length));
  for (const [reason, n] of reasons) lines.push(`    ${reason.padEnd(width)}  ${count(n).padStart(7)}  ${REASONS[reason]}`);
  const reported = s.alreadyHere + rejectedTotal;
  lines.push(`  report: ${s.reportPath} (${count(reported)} ${reported === 1 ? "line" : "lines"}: row, id, email as given, reason, detail)`);
  return lines.join("\n");
}
