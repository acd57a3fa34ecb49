/**
 * The engine's assessment of each account, kept from one of its exchanges to the next, so the request
 * path does not call `engine.assess` on every request (`assess` recomputes the account's score and
 * formats every reason: about 4–7 µs per call, for an answer that has not changed).
 *
 * An account's assessment changes only when (a) one of its own exchanges is fed to the engine (the
 * engine returns the new assessment: it replaces the entry), (b) a campaign run re-scores campaigns and
 * memberships, (c) its account record changes (`upsertAccount`: the gateway calls `forget`), or (d) the
 * reason text of a campaign member changes because another account joined its campaign (`forgetCampaign`).
 * Campaign runs happen only when the engine's event-time clock crosses a multiple of `clusterEveryMs`,
 * so every entry is stale once the clock leaves the grid cell it was taken in: then all of them go at once, which
 * also keeps the cache to the accounts active in the current cell.
 * The replayed-campaign test checks that every cached answer equals what `assess` returns at that moment.
 *
 * The engine leaves reasons out of the assessment it returns after an exchange when the account is benign
 * (formatting them is most of its cost). Such an entry is `partial`: its verdict, score and campaign are
 * exact, its reasons are empty; the caller fetches the reasons with `assess` only where they are read.
 * Without an engine clock (`clock` null, e.g. a scripted fake) nothing is cached.
 */
import type { Assessment } from "../core/engine/types.ts";

/** Updated in place on each exchange: one object per account, not one per exchange (it would outlive young-generation GCs). */
interface Entry {
  a: Assessment;
  partial: boolean;
}

/** A cached assessment; `partial` means its reasons were left out (see the module comment). */
export interface CachedAssessment {
  readonly a: Assessment;
  readonly partial: boolean;
}

/** See the module comment. */
export class AssessmentCache {
  private readonly entries = new Map<string, Entry>();
  /** Cached accounts per campaign they were cached in (for `forgetCampaign`). */
  private readonly byCampaign = new Map<string, Set<string>>();
  /** The grid cell of the engine's clock the entries were taken in. */
  private cell = Number.NaN;

  /**
   * @param clock the engine's event-time clock (`Engine.now`), or null to disable the cache
   * @param runEveryMs the engine's campaign-run grid (`clusterEveryMs`)
   */
  constructor(
    private readonly clock: (() => number) | null,
    private readonly runEveryMs: number,
  ) {}

  get enabled(): boolean {
    return this.clock !== null;
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Empties the cache when the engine's clock has left the grid cell its entries were taken in. */
  private sync(clock: () => number): void {
    const cell = Math.floor(clock() / this.runEveryMs);
    if (cell === this.cell) return;
    this.clear();
    this.cell = cell;
  }

  /** The account's assessment if nothing that could change it has happened since it was stored. */
  get(accountId: string): CachedAssessment | undefined {
    if (this.clock === null) return undefined;
    this.sync(this.clock);
    return this.entries.get(accountId);
  }

  /** Stores what the engine returned right after one of the account's exchanges (reasons may be left out). */
  fromObserve(a: Assessment): void {
    this.put(a, a.reasons.length === 0);
  }

  /** Stores a full `assess` answer. */
  fromAssess(a: Assessment): void {
    this.put(a, false);
  }

  /** Drops everything (a campaign run stepped across turns ended: entries cached during it predate its result). */
  clear(): void {
    this.entries.clear();
    this.byCampaign.clear();
  }

  /** Drops one account (its record changed). */
  forget(accountId: string): void {
    const e = this.entries.get(accountId);
    if (e === undefined) return;
    this.entries.delete(accountId);
    if (e.a.campaignId !== null) this.byCampaign.get(e.a.campaignId)?.delete(accountId);
  }

  /** Drops every member of a campaign held here (the campaign's membership changed: its reason text did too). */
  forgetCampaign(campaignId: string): void {
    const ids = this.byCampaign.get(campaignId);
    if (ids === undefined) return;
    this.byCampaign.delete(campaignId);
    for (const id of ids) this.entries.delete(id);
  }

  private put(a: Assessment, partial: boolean): void {
    if (this.clock === null) return;
    this.sync(this.clock);
    const e = this.entries.get(a.accountId);
    if (e !== undefined && e.a.campaignId === a.campaignId) {
      e.a = a;
      e.partial = partial;
      return;
    }
    this.forget(a.accountId);
    this.entries.set(a.accountId, { a, partial });
    if (a.campaignId !== null) {
      let ids = this.byCampaign.get(a.campaignId);
      if (ids === undefined) this.byCampaign.set(a.campaignId, (ids = new Set()));
      ids.add(a.accountId);
    }
  }
}
