/**
 * Exchanges that were already decided and forwarded, waiting to be fed to the engine. The request path
 * decides from what the engine knew before the request (causal: a decision at t uses only exchanges
 * before t) and pushes the exchange here; the queue is drained in FIFO order on `setImmediate`, i.e.
 * after the event loop has handled every request that was ready, so engine work is batched between
 * requests instead of sitting in front of each one.
 *
 * A campaign run is stepped across turns (sliced-runs.ts): `mayFeed` says whether an exchange may enter the
 * engine now; when it may not (a run is under way, or the exchange starts one), the drain stops there and
 * goes on when the run ends (`resume`). `feedReady()` drains synchronously as far as that allows: the live
 * path calls it before a synchronous observe (a new account), so the engine still sees every exchange in
 * arrival order. `flush()` feeds everything at once, a run included (shutdown, tests). An engine error on
 * one exchange is counted (`moat_engine_errors_total`) and the rest of the batch goes on; the exchange is
 * still in the traffic log, so a restart's replay has it.
 */
import type { TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { DetectionPort } from "./detection-port.ts";
import type { Metrics } from "./metrics.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";

/**
 * One `setImmediate` turn feeds exchanges for about this long, then yields back to I/O: a response event
 * that arrives during a turn waits for the rest of it, so turns stay well under the gateway's latency budget.
 */
const TURN_BUDGET_MS = 0.3;
/** Past this many waiting exchanges a turn feeds the excess whatever it costs: under overload the queue (and the lag of decisions behind the traffic) stays bounded. */
const HIGH_WATER = 2048;
/** With an engine that splits `observe` (see `DetectionPort.analyse`): exchanges analysed together before they are folded in. */
const CHUNK = 16;

export interface DeferredFeedDeps {
  readonly detection: DetectionPort;
  readonly metrics: Metrics;
  /** Sees each assessment the engine returns for a fed exchange. */
  readonly onAssessment: (a: Assessment, t: number) => void;
  /**
   * Whether the exchange at `t` may enter the engine now (`backlog`: exchanges waiting); absent: always. Asked
   * only of exchanges that were analysed (one that fails analysis never enters the engine, nor starts a run).
   */
  readonly mayFeed?: (t: number, backlog: number) => boolean;
  /** A campaign run is under way that `backlog` waiting exchanges do not cut short (nothing is analysed meanwhile: it would wait). */
  readonly busy?: (backlog: number) => boolean;
  /** Before `flush()` feeds everything: finish what would stop it (a run under way). */
  readonly beforeFlush?: () => void;
}

/** See the module comment. */
export class DeferredFeed {
  private queue: TimedEvent[] = [];
  /** `performance.now()` when each queued exchange was decided (for the feed-lag metric). */
  private queuedAt: number[] = [];
  private scheduled = false;
  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.drain(TURN_BUDGET_MS, true);
  };

  constructor(private readonly deps: DeferredFeedDeps) {}

  /** Exchanges waiting. */
  get size(): number {
    return this.queue.length;
  }

  /** Queues a decided exchange; the engine sees it on the next drain. */
  push(ev: TimedEvent): void {
    this.queue.push(ev);
    this.queuedAt.push(performance.now());
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  /** Feeds everything queued now, synchronously, campaign runs included. */
  flush(): void {
    this.deps.beforeFlush?.();
    if (this.queue.length > 0) this.drain(Number.POSITIVE_INFINITY, false);
  }

  /** Feeds what may be fed now, synchronously (stops where a campaign run is under way or due). */
  feedReady(): void {
    if (this.queue.length > 0) this.drain(Number.POSITIVE_INFINITY, true);
  }

  /** A campaign run ended: queued exchanges may be fed again. */
  resume(): void {
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  /**
   * Feeds queued exchanges, oldest first, for about `budgetMs` (and at least down to the high-water mark);
   * `gated`: only while `mayFeed` allows (a turn, `feedReady`), else everything (`flush`).
   */
  private drain(budgetMs: number, gated: boolean): void {
    const batch = this.queue;
    const at = this.queuedAt;
    const len = batch.length;
    if (len === 0) return;
    const must = len - HIGH_WATER;
    const { detection, metrics, onAssessment } = this.deps;
    const mayFeed = gated ? this.deps.mayFeed : undefined;
    const busy = gated ? this.deps.busy : undefined;
    const { analyse, observeAnalysed } = detection;
    const t0 = performance.now();
    let t1 = t0;
    let n = 0;
    let held = false;
    if (analyse !== undefined && observeAnalysed !== undefined) {
      // A chunk is analysed, then folded in order (the engine still sees every exchange in arrival order).
      const features: (RequestFeatures | null)[] = [];
      while (n < len && !held) {
        if (busy?.(len - n) === true) {
          held = true;
          break;
        }
        const end = Math.min(len, n + CHUNK);
        features.length = 0;
        for (let k = n; k < end; k++) {
          try {
            features.push(analyse.call(detection, batch[k] as TimedEvent));
          } catch {
            features.push(null);
          }
        }
        let k = n;
        for (; k < end; k++) {
          const f = features[k - n];
          if (f === null || f === undefined) {
            // Counted when passed over, not when analysed: a chunk cut short by a run is analysed again later.
            metrics.inc("moat_engine_errors_total");
            continue;
          }
          // A run due here: the rest waits for it (analysed again then, a chunk at most once per run).
          if (mayFeed !== undefined && !mayFeed(f.t, len - k)) {
            held = true;
            break;
          }
          try {
            onAssessment(observeAnalysed.call(detection, f), f.t);
          } catch {
            metrics.inc("moat_engine_errors_total");
          }
        }
        n = k;
        t1 = performance.now();
        if (n >= must && t1 - t0 >= budgetMs) break;
      }
    } else {
      while (n < len) {
        const ev = batch[n] as TimedEvent;
        if (mayFeed !== undefined && !mayFeed(ev.t, len - n)) {
          held = true;
          break;
        }
        n++;
        try {
          onAssessment(detection.observe(ev), ev.t);
        } catch {
          metrics.inc("moat_engine_errors_total");
        }
        if ((n & 1) === 0 || n === len) {
          t1 = performance.now();
          if (n >= must && t1 - t0 >= budgetMs) break;
        }
      }
    }
    if (n === len) {
      this.queue = [];
      this.queuedAt = [];
    } else {
      this.queue = batch.slice(n);
      this.queuedAt = at.slice(n);
    }
    if (n > 0) {
      metrics.deferredSeconds.add((t1 - t0) / n / 1000);
      metrics.feedLagSeconds.add((t1 - (at[0] ?? t1)) / 1000);
    }
    // Held by a run: `resume` schedules the rest when it ends.
    if (this.queue.length > 0 && !this.scheduled && !held) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }
}
