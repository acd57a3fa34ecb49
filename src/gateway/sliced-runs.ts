/**
 * Campaign runs of the live engine, spread over event-loop turns. A run judges every group that changed and
 * rebuilds the campaigns; at once it blocks the event loop for as long as it lasts, and that grows with the
 * accounts the engine holds (the 33,000-account replay: 11.5 ms at the median, 67 ms at most; more at larger
 * scale). Here the run is stepped (`Engine.runSteps`) about a millisecond per turn, so requests are served
 * between its steps.
 *
 * Causality is kept: the run is the one the exchange at `t` would have made on entering the engine, on the state
 * before that exchange. Until it ends, no exchange is fed (they wait in the deferred feed) and decisions are taken
 * from the state before it; the engine's readers see that state until its last step, which applies the result.
 * A backlog past `MAX_BACKLOG` while a run is under way finishes it at once (memory stays bounded).
 */
import type { Metrics } from "./metrics.ts";

/** What stepping needs of the engine (`Engine.runDue`, `Engine.runSteps`). */
export interface SteppedRuns {
  runDue?(t: number): boolean;
  runSteps?(t: number): Generator<void, void, void>;
}

/** One turn steps the run for about this long. */
const SLICE_MS = 1;
/** Exchanges waiting behind a run past which it is finished at once. */
export const MAX_BACKLOG = 16_384;

export class SlicedRuns {
  private job: Generator<void, void, void> | null = null;
  private engineSeconds = 0;
  private longestSlice = 0;
  private scheduled = false;
  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.step(this.sliceMs);
  };

  /** `onDone`: the run ended (exchanges may be fed again). `sliceMs`: engine time per turn (0: one step a turn). */
  constructor(
    private readonly detection: SteppedRuns,
    private readonly metrics: Metrics,
    private readonly onDone: () => void,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** A run is under way. */
  get running(): boolean {
    return this.job !== null;
  }

  /**
   * Whether an exchange at `t` may be fed to the engine now. Not while a run is under way; and when entering
   * the engine at `t` would start one, it is started here, in steps, and the answer is no. `backlog`: exchanges
   * waiting; past `MAX_BACKLOG` a run under way is finished at once.
   */
  ready(t: number, backlog = 0): boolean {
    if (this.job !== null) {
      if (backlog <= MAX_BACKLOG) return false;
      this.finish();
    }
    const { runDue, runSteps } = this.detection;
    if (runDue === undefined || runSteps === undefined || !runDue.call(this.detection, t)) return true;
    this.job = runSteps.call(this.detection, t);
    this.engineSeconds = 0;
    this.longestSlice = 0;
    this.schedule();
    return false;
  }

  /** Runs what is left of a run under way, now (before feeding everything at once, and at shutdown). */
  finish(): void {
    if (this.job !== null) this.step(Number.POSITIVE_INFINITY);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.onImmediate);
  }

  private step(budgetMs: number): void {
    const job = this.job;
    if (job === null) return;
    const t0 = performance.now();
    let done = false;
    try {
      do done = job.next().done === true;
      while (!done && performance.now() - t0 < budgetMs);
    } catch {
      // The engine's clock has moved past the grid point: the run is skipped, as an error in a run at once would be.
      this.metrics.inc("moat_engine_errors_total");
      done = true;
    }
    const took = (performance.now() - t0) / 1000;
    this.engineSeconds += took;
    if (took > this.longestSlice) this.longestSlice = took;
    if (!done) return this.schedule();
    this.job = null;
    this.metrics.campaignRuns.add(this.engineSeconds);
    this.metrics.campaignRunBlocks.add(this.longestSlice);
    this.onDone();
  }
}
