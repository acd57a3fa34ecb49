/**
 * The detection port the gateway drives. The real `Engine` (src/core/engine/engine.ts) satisfies it
 * structurally; tests may pass a small fake. Keeping the gateway behind this interface means the proxy,
 * policy and persistence code never depends on how detection works inside, only on what it answers.
 */
import type { AccountRecord, TimedEvent } from "../core/model/traffic.ts";
import type { Assessment, CampaignView } from "../core/engine/types.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";

export interface DetectionPort {
  /** Adds or replaces what is known about an account (contract §2). */
  upsertAccount(rec: AccountRecord): void;
  /** Feeds one exchange (t = arrival, epoch ms) and returns the account's assessment after it. Synchronous. */
  observe(ev: TimedEvent): Assessment;
  /** The account's current assessment, read-only. */
  assess(accountId: string): Assessment;
  /** Every campaign the engine currently knows. */
  campaigns(): readonly CampaignView[];
  /**
   * The engine's event-time clock (latest event time processed). When present, the gateway keeps each
   * account's assessment between its exchanges instead of asking `assess` on every request (campaign runs
   * happen on a grid of this clock: see `AssessmentCache`).
   */
  now?(): number;
  /**
   * `observe` in two steps, when the engine has them: `analyse` reads one exchange (pure: no state read or
   * changed), `observeAnalysed` folds the result in. The deferred feed analyses a batch, then folds it in order:
   * each step's code and tables stay in the CPU's caches across the batch (measured: a few % of CPU per request).
   */
  analyse?(ev: TimedEvent): RequestFeatures;
  observeAnalysed?(f: RequestFeatures): Assessment;
  /**
   * Forgets accounts last seen before `before` (event time) that detection holds on to for nothing, and returns
   * their ids (`Engine.forgetIdle`). The gateway calls it periodically so memory follows active accounts; `budget`
   * bounds the accounts one call looks at (the next goes on from there).
   */
  forgetIdle?(before: number, budget?: number): readonly string[];
}
