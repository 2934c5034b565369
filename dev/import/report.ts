// The report: one JSON line for every source row that was not imported, with the reason. Nothing is
// dropped without a line here; hashes and passwords never appear in it.
import { closeSync, openSync, writeSync } from "node:fs";

/** Why a row was not imported: the codes the report and the summary use, and what each means. */
export const REASONS = {
  missing_id: "no id (a re-run could not recognise the row)",
  missing_email: "no email",
  invalid_email: "not an address this service accepts",
  inactive: "is_active is false: this service has no disabled state, so it would be able to sign in here",
  missing_password: "no password hash",
  unknown_hash_format: "a hash sign-in cannot check (only bcrypt of cost 4–14, passlib's pbkdf2_sha256 and this service's scrypt)",
  invalid_full_name: "a name this service refuses (over 100 characters, or control characters)",
  invalid_username: "a username this service refuses (3–32 of A-Z a-z 0-9 _ . -, a letter or digit at each end)",
  duplicate_email: "an earlier row has the same address once trimmed and lower-cased",
  username_taken: "an earlier row, or an account here, has the username (in any letter case)",
  already_here: "an account here has this address or this id: imported before, or made here; left as it is",
} as const;

export type Reason = keyof typeof REASONS;

/** One line of the report. `row` counts source rows in the order read, from 1; `id` and `email` are as given. */
export interface NotImported {
  row: number;
  id: string | null;
  email: string | null;
  reason: Reason;
  detail?: string;
}

export interface ReportFile {
  path: string;
  write(lines: readonly NotImported[]): void;
  close(): void;
}

/**
 * Written batch by batch, so a run that stops half-way has reported every batch it finished; readable by
 * its owner only (it lists addresses). An existing file is replaced.
 */
export function openReport(path: string): ReportFile {
  const fd = openSync(path, "w", 0o600);
  return {
    path,
    write: (lines) => {
      if (lines.length) writeSync(fd, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    },
    close: () => closeSync(fd),
  };
}

/** import-users-20261126T043012Z.jsonl, in the current folder. */
export const defaultReportPath = (now: Date): string => `import-users-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "")}.jsonl`;
