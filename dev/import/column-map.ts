// Which column of the source table feeds each field of an account: the common layouts of the FastAPI
// services are found by name, and `--map field=column` overrides (or, with no column, leaves a field unread).

/** What the import can read from a source row. */
export const IMPORT_FIELDS = [
  "id",
  "email",
  "password",
  "full_name",
  "first_name",
  "last_name",
  "username",
  "is_verified",
  "is_active",
  "is_superuser",
  "created_at",
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The source column each field is read from; a field not in it is not read. */
export type ColumnMap = Partial<Record<ImportField, string>>;

/** A column of the source table, as information_schema.columns describes it. */
export interface SourceColumn {
  name: string;
  /** information_schema's data_type ("timestamp without time zone", "USER-DEFINED" for citext…). */
  dataType: string;
}

/**
 * Names tried in order when `--map` says nothing: fastapi-users and the usual SQLAlchemy models call the
 * hash `hashed_password`; hand-written ones `password_hash` or `password`.
 */
const DEFAULT_NAMES: Record<ImportField, readonly string[]> = {
  id: ["id"],
  email: ["email"],
  password: ["hashed_password", "password_hash", "password"],
  full_name: ["full_name"],
  first_name: ["first_name"],
  last_name: ["last_name"],
  username: ["username"],
  is_verified: ["is_verified"],
  is_active: ["is_active"],
  is_superuser: ["is_superuser"],
  created_at: ["created_at"],
};

// Without these there is no account (email, password), and no way for a re-run to tell a row it imported
// before from a new one whose address changed (id).
const REQUIRED: readonly ImportField[] = ["id", "email", "password"];

/** The types each kind of field can be read from; anything else would be guessing (is "yes" true?). */
const BOOLEAN_TYPES = ["boolean", "smallint", "integer", "bigint"];
const TIME_TYPES = ["timestamp with time zone", "timestamp without time zone", "date"];
const ACCEPTED_TYPES: Partial<Record<ImportField, readonly string[]>> = {
  is_verified: BOOLEAN_TYPES,
  is_active: BOOLEAN_TYPES,
  is_superuser: BOOLEAN_TYPES,
  created_at: TIME_TYPES,
};

/** A mapping that cannot work: the command stops before reading a row, saying why. */
export class ColumnMapError extends Error {
  override name = "ColumnMapError";
}

const isField = (name: string): name is ImportField => (IMPORT_FIELDS as readonly string[]).includes(name);

/**
 * `--map` values ("email=mail,password=pw_hash", one or several flags) as field → column; an empty column
 * ("username=") means: do not read that field, even if a column has its default name.
 */
export function parseMapOption(values: readonly string[]): Partial<Record<ImportField, string | null>> {
  const overrides: Partial<Record<ImportField, string | null>> = {};
  for (const pair of values.flatMap((v) => v.split(","))) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const field = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (eq < 0 || !isField(field)) {
      throw new ColumnMapError(`--map takes field=column pairs; fields: ${IMPORT_FIELDS.join(", ")} (got ${JSON.stringify(pair)})`);
    }
    const column = pair.slice(eq + 1).trim();
    overrides[field] = column === "" ? null : column;
  }
  return overrides;
}

/** The defaults found among `columns`, with `overrides` on top, checked against the table. */
export function resolveColumnMap(columns: readonly SourceColumn[], overrides: Partial<Record<ImportField, string | null>> = {}): ColumnMap {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const map: ColumnMap = {};
  for (const field of IMPORT_FIELDS) {
    const override = overrides[field];
    if (override === null) continue;
    if (override !== undefined) {
      if (!byName.has(override)) {
        throw new ColumnMapError(`--map ${field}=${override}: the table has no column ${JSON.stringify(override)} (it has ${columns.map((c) => c.name).join(", ")})`);
      }
      map[field] = override;
      continue;
    }
    const found = DEFAULT_NAMES[field].find((name) => byName.has(name));
    if (found) map[field] = found;
  }
  // A full name, when there is one, is the name; first and last names are joined only in its absence.
  if (map.full_name) {
    if (overrides.first_name === undefined) delete map.first_name;
    if (overrides.last_name === undefined) delete map.last_name;
  }
  for (const field of REQUIRED) {
    if (!map[field]) {
      throw new ColumnMapError(`no column for ${field} (looked for ${DEFAULT_NAMES[field].join(", ")}); name it with --map ${field}=<column>`);
    }
  }
  for (const [field, column] of Object.entries(map) as [ImportField, string][]) {
    const accepted = ACCEPTED_TYPES[field];
    const type = byName.get(column)!.dataType;
    if (accepted && !accepted.includes(type)) {
      throw new ColumnMapError(`${field} from column ${column}: its type ${type} is not one of ${accepted.join(", ")}`);
    }
  }
  return map;
}

/** "email ← mail, password ← pw_hash, …": what the command prints before it starts. */
export const describeColumnMap = (map: ColumnMap): string =>
  IMPORT_FIELDS.filter((f) => map[f]).map((f) => (map[f] === f ? f : `${f} ← ${map[f]}`)).join(", ");
