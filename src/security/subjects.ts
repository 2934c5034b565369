import { keyedHash } from "./hmac";

/**
 * How guessing counters name an address (or a user) without storing it: a keyed hash. An address with no
 * account gets a name like any other, so counting treats known and unknown addresses alike.
 */
export const subjectOf = (tokenSecret: string, kind: "address" | "user", value: string): string => keyedHash(tokenSecret, "subject", kind, value);
