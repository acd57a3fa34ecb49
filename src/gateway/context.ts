/**
 * Everything a request handler needs, built once by the composition root (`gateway.ts`) and passed
 * down explicitly: no module-level state, so several gateways can run in one process (tests, bench).
 */
import type { IncomingMessage } from "node:http";
import type { StateStore } from "../stores/state-store.ts";
import type { TrafficEvent } from "../core/model/traffic.ts";
import type { GatewayConfig } from "./config.ts";
import type { DetectionPort } from "./detection-port.ts";
import type { LiveDetector } from "./live-detector.ts";
import type { Metrics } from "./metrics.ts";
import type { OverrideBook } from "./overrides.ts";
import type { Upstream } from "./upstream.ts";
import type { BodyBudget } from "./body-budget.ts";

/** Where exchanges go (the rotating traffic log in production). */
export interface TrafficSink {
  /**
   * `requestJson`: the request's JSON text (the client's body), which a file sink writes as it is (see
   * `TrafficLogWriter.append`); when it is given, `ev.request` is left out and the sink takes the request from it.
   */
  append(ev: TrafficEvent, requestJson?: Buffer): void;
}

/** What the metrics read of the engine's content memo (`DigestContentMemo`). */
export interface ContentMemoStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
}

/** What the metrics read of the traffic log's background work on rotated files (`TrafficLogWriter.stats`). */
export interface TrafficLogFileStats {
  readonly syncFailures: number;
  readonly compressed: number;
  readonly compressFailures: number;
}

export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly detection: DetectionPort;
  readonly detector: LiveDetector;
  readonly overrides: OverrideBook;
  readonly store: StateStore;
  readonly metrics: Metrics;
  readonly trafficLog: TrafficSink;
  readonly upstreams: { readonly anthropic: Upstream | null; readonly openai: Upstream | null };
  /** Wall clock, epoch ms (injected so tests can compress days into seconds). */
  readonly now: () => number;
  readonly startedAt: number;
  /** Re-reads the policy file; throws with a path-aware message and keeps the old policy on error. */
  reloadPolicy(): { rules: number; file: string | null };
  /** Requests in flight per account (the `limits.maxConcurrentPerAccount` cap). */
  readonly inflight: Map<string, number>;
  /**
   * Requests whose client waits for `100 Continue` before sending its body (Node's `checkContinue`: HTTP/1.1,
   * an `expect` naming 100-continue). The gateway sends it once the request is admitted.
   */
  readonly awaitingContinue: WeakSet<IncomingMessage>;
  /** Request-body bytes held in memory, in all and per account (the `limits.maxBufferedBytes*` budgets). */
  readonly bodyBudget: BodyBudget;
  /** The engine's memo of content analyses, for its gauges (null when the engine has none). */
  readonly contentMemo: ContentMemoStats | null;
  /** The traffic-log file writer's background work, for its gauges (null for a sink without files). */
  readonly trafficLogFiles: (() => TrafficLogFileStats) | null;
  /** Prefix of request ids minted by this process. */
  readonly bootId: string;
  nextSeq(): number;
}
