// An imported account's id: the source's own when it is a UUID (tokens and other services that stored it
// keep meaning the same user), else one derived from it, the same on every run.
import { createHash } from "node:crypto";
import { Uuid } from "../../src/schemas/fields";

// RFC 9562 name-based ids need a namespace of their own; this one was drawn at random for this import.
const NAMESPACE = "5d7c5fdf-031b-4864-ab50-09e51b4c00d0";

const uuidBytes = (uuid: string) => Buffer.from(uuid.replaceAll("-", ""), "hex");

/** RFC 9562 version 5: SHA-1 of namespace and name, version and variant bits set. */
function uuidV5(name: string): string {
  const hash = createHash("sha1").update(uuidBytes(NAMESPACE)).update(name, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id here of the source row `sourceId` of table `sourceName` (database/schema.table). An integer id
 * becomes a UUID derived from the table and the id, so a re-run gives it the same one and finds the
 * account it imported before even if its address has changed here since; the table's name keeps two
 * services' user 1 apart.
 */
export const accountId = (sourceName: string, sourceId: string): string =>
  Uuid.safeParse(sourceId).success ? sourceId.toLowerCase() : uuidV5(`${sourceName}#${sourceId}`);
