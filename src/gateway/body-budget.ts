/**
 * How many bytes of request bodies the gateway holds in memory at once, in all and per account. A body is
 * read whole (the engine and the degrade rewrite need it parsed) and kept until its exchange ends (the
 * traffic log writes it then, and a stream can last minutes), so without a bound one account with a valid key
 * could hold its in-flight cap times the body limit (128 × 32 MiB = 4 GiB) and take the process down, and a
 * few could starve every other customer. Past either budget a request gets a 503 at once (the SDKs retry it),
 * before more of its body is read.
 *
 * Pure bookkeeping: the proxy takes bytes as they arrive and gives them back when the request's response
 * closes. A declared length must fit when the request arrives (so an upload that cannot fit is refused before
 * it starts), but it is not reserved: a client that declares 32 MiB and sends nothing holds nothing.
 */

/** Why bytes were refused: the account's own share, or the gateway's whole budget. */
export type BudgetRefusal = "account" | "total";

export class BodyBudget {
  private held = 0;
  private readonly byAccount = new Map<string, number>();

  constructor(
    /** Bytes of request bodies held at once, all accounts together. */
    readonly maxTotal: number,
    /** Bytes one account may hold at once. */
    readonly maxPerAccount: number,
  ) {}

  /** Bytes held now, in all. */
  get total(): number {
    return this.held;
  }

  /** Bytes `account` holds now. */
  heldBy(account: string): number {
    return this.byAccount.get(account) ?? 0;
  }

  /** Whether `bytes` more would fit for `account` now: null when they would, else which budget they would overrun. */
  fits(account: string, bytes: number): BudgetRefusal | null {
    if ((this.byAccount.get(account) ?? 0) + bytes > this.maxPerAccount) return "account";
    if (this.held + bytes > this.maxTotal) return "total";
    return null;
  }

  /** Takes `bytes` for `account`; null when they fit, else which budget they would overrun (nothing is taken then). */
  take(account: string, bytes: number): BudgetRefusal | null {
    const refused = this.fits(account, bytes);
    if (refused !== null) return refused;
    this.held += bytes;
    this.byAccount.set(account, (this.byAccount.get(account) ?? 0) + bytes);
    return null;
  }

  /** Gives back `bytes` that `account` took. */
  give(account: string, bytes: number): void {
    if (bytes <= 0) return;
    const left = (this.byAccount.get(account) ?? 0) - bytes;
    if (left <= 0) this.byAccount.delete(account);
    else this.byAccount.set(account, left);
    this.held = Math.max(0, this.held - bytes);
  }
}
