/**
 * Access tokens this isolate has already verified, by their exact bytes. A client sends the same token
 * on every call of its 30-minute life, and checking its Ed25519 signature was the largest CPU cost of an
 * authenticated read. Only tokens that passed every check are kept, each only until its own expiry and
 * only for the issuer and audience it was checked against; a forged token never matches one (its bytes
 * differ). Revocation is unaffected: routes read the session from the database on every request.
 */
export class VerifiedTokenCache<Claims> {
  private readonly entries = new Map<string, { claims: Claims; notBefore: number; exp: number; scope: string }>();

  constructor(private readonly maxEntries = 5000) {}

  get(token: string, scope: string, nowSeconds: number): Claims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.exp <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.scope === scope && entry.notBefore <= nowSeconds ? entry.claims : undefined;
  }

  /** Good from `notBefore` until `exp` (seconds), for tokens checked against `scope`. */
  set(token: string, scope: string, claims: Claims, notBefore: number, exp: number): void {
    // Bounded: the oldest entry (Map keeps insertion order) makes room.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, notBefore, exp, scope });
  }
}
