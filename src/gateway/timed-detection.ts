/**
 * Times the live engine's campaign-detection runs made inside a call. A run happens inside whichever call first
 * moves the engine's event clock past a grid point (`clusterEveryMs`) unless the gateway steps it across
 * event-loop turns first (sliced-runs.ts, which times those, and finishes one at once when asked): here that is a
 * run that falls due while everything queued is fed at once (before an admin call, at shutdown). Such a run
 * blocks the event loop while it lasts, so every request in flight waits for it, and its cost grows with the
 * accounts and groups the engine holds. This wrapper notices a run (the engine's run count changed during the
 * call) and records how long that call took, for `moat_campaign_run_seconds` and `moat_campaign_run_block_seconds`.
 * The start-up replay feeds the engine itself, before moat listens: its runs are not counted.
 *
 * A port without `runs()` (a test fake) is returned as it is.
 */
import type { Assessment, CampaignView } from "../core/engine/types.ts";
import type { AccountRecord, TimedEvent } from "../core/model/traffic.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";
import type { DetectionPort } from "./detection-port.ts";
import type { Pauses } from "./metrics.ts";
import type { SteppedRuns } from "./sliced-runs.ts";

/** What the gateway drives: the port, plus the periodic `advance`, the run count and stepped runs when the engine has them. */
export type LiveDetection = DetectionPort & SteppedRuns & { advance?(t: number): void; runs?(): number };

class TimedDetection implements DetectionPort {
  readonly now?: () => number;
  readonly advance?: (t: number) => void;
  readonly analyse?: (ev: TimedEvent) => RequestFeatures;
  readonly observeAnalysed?: (f: RequestFeatures) => Assessment;
  readonly forgetIdle?: (before: number, budget?: number) => readonly string[];
  readonly runDue?: (t: number) => boolean;
  readonly runSteps?: (t: number) => Generator<void, void, void>;

  constructor(
    private readonly inner: LiveDetection,
    private readonly count: () => number,
    private readonly pauses: Pauses,
    private readonly blocks: Pauses | undefined,
  ) {
    const { now, advance, forgetIdle, runDue, runSteps } = inner;
    if (now) this.now = now.bind(inner);
    if (forgetIdle) this.forgetIdle = forgetIdle.bind(inner);
    // Stepped runs are timed by their driver (sliced-runs.ts).
    if (runDue && runSteps) {
      this.runDue = runDue.bind(inner);
      this.runSteps = runSteps.bind(inner);
    }
    if (advance) {
      const step = advance.bind(inner);
      this.advance = (t: number): void => this.timed(step, t);
    }
    this.observeInner = inner.observe.bind(inner);
    // The two halves of `observe`: only the second can run a campaign (it moves the clock).
    if (inner.analyse && inner.observeAnalysed) {
      this.analyse = inner.analyse.bind(inner);
      const fold = inner.observeAnalysed.bind(inner);
      this.observeAnalysed = (f: RequestFeatures): Assessment => this.timed(fold, f);
    }
  }

  private readonly observeInner: (ev: TimedEvent) => Assessment;

  observe(ev: TimedEvent): Assessment {
    return this.timed(this.observeInner, ev);
  }

  /** Calls `f(arg)`; if a campaign run happened inside it, records how long the call took. No closure per call: `observe` runs for every exchange. */
  private timed<A, T>(f: (arg: A) => T, arg: A): T {
    const r = this.count();
    const t0 = performance.now();
    const out = f(arg);
    if (this.count() !== r) {
      const s = (performance.now() - t0) / 1000;
      this.pauses.add(s);
      this.blocks?.add(s);
    }
    return out;
  }

  runs(): number {
    return this.count();
  }

  upsertAccount(rec: AccountRecord): void {
    this.inner.upsertAccount(rec);
  }

  assess(accountId: string): Assessment {
    return this.inner.assess(accountId);
  }

  campaigns(): readonly CampaignView[] {
    return this.inner.campaigns();
  }
}

/**
 * `inner` with the campaign runs made inside its calls timed into `pauses` (and `blocks`: such a run holds the
 * event loop throughout), or `inner` itself when it cannot count runs.
 */
export function timeCampaignRuns(inner: LiveDetection, pauses: Pauses, blocks?: Pauses): LiveDetection {
  const runs = inner.runs;
  if (!runs) return inner;
  return new TimedDetection(inner, runs.bind(inner), pauses, blocks);
}
