/**
 * Exchanges that were already decided and forwarded, waiting to be fed to the engine. The request path
 * decides from what the engine knew before the request (causal: a decision at t uses only exchanges
 * before t) and pushes the exchange here; the queue is drained in FIFO order on `setImmediate`, i.e.
 * after the event loop has handled every request that was ready, so engine work is batched between
 * requests instead of sitting in front of each one.
 *
 * `flush()` drains synchronously: the live path calls it before a synchronous observe (a new account)
 * so the engine still sees every exchange in arrival order; the gateway calls it before a campaign run
 * and at shutdown. An engine error on one exchange is counted (`moat_engine_errors_total`) and the rest
 * of the batch goes on; the exchange is still in the traffic log, so a restart's replay has it.
 */
import type { TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { DetectionPort } from "./detection-port.ts";
import type { Metrics } from "./metrics.ts";

/** Largest batch one `setImmediate` turn feeds before yielding back to I/O. */
const MAX_BATCH = 256;

export interface DeferredFeedDeps {
  readonly detection: DetectionPort;
  readonly metrics: Metrics;
  /** Sees each assessment the engine returns for a fed exchange. */
  readonly onAssessment: (a: Assessment, t: number) => void;
}

/** See the module comment. */
export class DeferredFeed {
  private queue: TimedEvent[] = [];
  /** `performance.now()` when each queued exchange was decided (for the feed-lag metric). */
  private queuedAt: number[] = [];
  private scheduled = false;
  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.drain(MAX_BATCH);
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

  /** Feeds everything queued now, synchronously. */
  flush(): void {
    if (this.queue.length > 0) this.drain(Number.POSITIVE_INFINITY);
  }

  private drain(max: number): void {
    const n = Math.min(max, this.queue.length);
    if (n === 0) return;
    let batch = this.queue;
    let at = this.queuedAt;
    if (n === batch.length) {
      this.queue = [];
      this.queuedAt = [];
    } else {
      batch = batch.slice(0, n);
      at = at.slice(0, n);
      this.queue = this.queue.slice(n);
      this.queuedAt = this.queuedAt.slice(n);
    }
    const { detection, metrics, onAssessment } = this.deps;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const ev = batch[i] as TimedEvent;
      try {
        onAssessment(detection.observe(ev), ev.t);
      } catch {
        metrics.inc("moat_engine_errors_total");
      }
    }
    const t1 = performance.now();
    metrics.deferredSeconds.add((t1 - t0) / n / 1000);
    metrics.feedLagSeconds.add((t1 - (at[0] ?? t1)) / 1000);
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }
}
