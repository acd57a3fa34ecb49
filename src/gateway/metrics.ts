/**
 * Counters and gauges for the gateway, rendered in the Prometheus text format. Counters survive
 * restarts (the gateway snapshots them to the state store and restores them); gauges are computed
 * when scraped. Label sets are small and fixed so cardinality stays bounded.
 */

import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from "node:perf_hooks";

/** Counter names (without labels). */
export type CounterName =
  | "moat_requests_total"
  | "moat_responses_total"
  | "moat_decisions_total"
  | "moat_enforced_total"
  | "moat_fail_open_total"
  | "moat_engine_errors_total"
  | "moat_engine_accounts_forgotten_total"
  | "moat_auth_failures_total"
  | "moat_bad_requests_total"
  | "moat_connections_dropped_total"
  | "moat_upstream_errors_total"
  | "moat_traffic_log_errors_total"
  | "moat_decision_log_errors_total"
  | "moat_store_errors_total"
  | "moat_replayed_events_total"
  | "moat_replay_bad_lines_total"
  | "moat_overrides_total"
  | "moat_policy_reloads_total";

const HELP: Readonly<Record<CounterName, string>> = {
  moat_requests_total: "Requests received, by API family.",
  moat_responses_total: "Responses sent, by status code.",
  moat_decisions_total: "Decisions taken, by action and whether they were enforced.",
  moat_enforced_total: "Requests rejected or degraded by an enforced decision, by action.",
  moat_fail_open_total: "Requests let through because detection failed.",
  moat_engine_errors_total: "Engine failures outside a request's decision (deferred feeding, background campaign runs).",
  moat_engine_accounts_forgotten_total: "Accounts the engine forgot after limits.forgetIdleAccountsAfterHours without traffic (never flagged, in no campaign or coordinated group).",
  moat_auth_failures_total: "Requests with a missing or unknown moat API key.",
  moat_bad_requests_total: "Requests refused as malformed, by reason.",
  moat_connections_dropped_total: "Client connections dropped on arrival because limits.maxConnections were open.",
  moat_upstream_errors_total: "Upstream connection failures or timeouts.",
  moat_traffic_log_errors_total: "Exchanges that could not be written to the traffic log.",
  moat_decision_log_errors_total: "Decisions that could not be appended to decisions.jsonl (the request is served anyway).",
  moat_store_errors_total: "State-store writes that failed.",
  moat_replayed_events_total: "Traffic-log events replayed into the engine at start-up.",
  moat_replay_bad_lines_total: "Traffic-log lines skipped during replay because they did not parse.",
  moat_overrides_total: "Admin overrides applied, by action.",
  moat_policy_reloads_total: "Policy reloads, by result.",
};

/** Pauses of one kind (GC, campaign runs): count, total and longest since start, and the latest ones for quantiles. */
export class Pauses {
  count = 0;
  totalSeconds = 0;
  maxSeconds = 0;
  readonly recent = new RecentSamples(1024);
  add(seconds: number): void {
    this.count++;
    this.totalSeconds += seconds;
    if (seconds > this.maxSeconds) this.maxSeconds = seconds;
    this.recent.add(seconds);
  }
}

/** A tiny quantile sketch: a ring of the latest samples (enough for p50/p99 of a live gauge). */
export class RecentSamples {
  private readonly ring: Float64Array;
  private n = 0;
  constructor(size = 2048) {
    this.ring = new Float64Array(size);
  }
  add(v: number): void {
    this.ring[this.n++ % this.ring.length] = v;
  }
  quantile(q: number): number {
    const len = Math.min(this.n, this.ring.length);
    if (len === 0) return 0;
    const sorted = Array.from(this.ring.subarray(0, len)).sort((a, b) => a - b);
    return sorted[Math.min(len - 1, Math.floor(q * len))] ?? 0;
  }
}

function labelKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return "";
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, "_")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** A step of `Metrics.key`'s memo: the rendered key of the labels so far, and the next label's name and value. */
class KeyNode {
  key: string | undefined = undefined;
  readonly next = new Map<string, Map<string, KeyNode>>();
}

/** The gateway's metrics. `gauges` is called at scrape time. */
export class Metrics {
  private readonly counters = new Map<string, number>();
  /** Counter keys already rendered, by name and labels as given (see `key`). */
  private readonly keyTree = new Map<string, KeyNode>();
  private keyNodes = 0;
  /** Seconds spent in engine.observe per request. */
  readonly observeSeconds = new RecentSamples();
  /** Seconds the gateway added before forwarding (auth, parse, observe, decide). */
  readonly decideSeconds = new RecentSamples();
  /** Seconds of engine work per deferred exchange (fed after forwarding; averaged over its batch). */
  readonly deferredSeconds = new RecentSamples();
  /** Seconds from a decision to the engine having seen its exchange (oldest exchange of each batch). */
  readonly feedLagSeconds = new RecentSamples();
  /** Event-loop delay, sampled with a 10 ms timer once `watchEventLoop` ran: every stall of the process shows here. */
  private loopDelay: IntervalHistogram | null = null;
  /** Garbage-collection pauses since `watchEventLoop`, young generation (scavenges) apart from the rest (mark-compact, incremental steps…). */
  readonly gcMinor = new Pauses();
  readonly gcMajor = new Pauses();
  /** Engine time of each campaign run of the live engine (all of its steps; see sliced-runs.ts, timed-detection.ts). */
  readonly campaignRuns = new Pauses();
  /** The longest the event loop was held by each run: all of it when it ran at once, its longest step otherwise. */
  readonly campaignRunBlocks = new Pauses();
  private gcObserver: PerformanceObserver | null = null;

  /** Starts sampling event-loop delay (10 ms resolution) and recording GC pauses; `stopWatching` ends both. */
  watchEventLoop(): void {
    if (this.loopDelay !== null) return;
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as { detail?: { kind?: number } }).detail?.kind;
        (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? this.gcMinor : this.gcMajor).add(e.duration / 1000);
      }
    });
    this.gcObserver.observe({ entryTypes: ["gc"] });
  }

  stopWatching(): void {
    this.loopDelay?.disable();
    this.gcObserver?.disconnect();
  }

  inc(name: CounterName, labels?: Readonly<Record<string, string>>, by = 1): void {
    const k = this.key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + by);
  }

  get(name: CounterName, labels?: Readonly<Record<string, string>>): number {
    return this.counters.get(this.key(name, labels)) ?? 0;
  }

  /**
   * `name{sorted, escaped labels}`, remembered: this runs a few times per request. The memo is a tree walked by
   * the label names and values as given (name, then per label its name and value), so a hit builds no string.
   */
  private key(name: CounterName, labels: Readonly<Record<string, string>> | undefined): string {
    if (!labels) return name;
    let node: KeyNode | undefined = this.keyTree.get(name);
    if (node === undefined) {
      node = new KeyNode();
      this.keyTree.set(name, node);
    }
    for (const l in labels) {
      const v = labels[l] as string;
      let byValue: Map<string, KeyNode> | undefined = node.next.get(l);
      if (byValue === undefined) {
        byValue = new Map();
        node.next.set(l, byValue);
      }
      let child: KeyNode | undefined = byValue.get(v);
      if (child === undefined) {
        // Label sets are small and fixed in the code; past this many the key is built each time instead.
        if (this.keyNodes >= 4096) return name + labelKey(labels);
        this.keyNodes++;
        child = new KeyNode();
        byValue.set(v, child);
      }
      node = child;
    }
    return (node.key ??= name + labelKey(labels));
  }

  /** Sum of a counter over all its label sets. */
  total(name: CounterName): number {
    let s = 0;
    for (const [k, v] of this.counters) if (k === name || k.startsWith(`${name}{`)) s += v;
    return s;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  restore(snap: unknown): void {
    if (!snap || typeof snap !== "object") return;
    for (const [k, v] of Object.entries(snap as Record<string, unknown>)) if (typeof v === "number") this.counters.set(k, v);
  }

  /**
   * Prometheus exposition text; `gauges` adds values read at scrape time (name -> value): point-in-time ones, and
   * counts since start kept elsewhere (`type: "counter"`, named `_total`; they restart from 0 with the process).
   */
  render(gauges: Readonly<Record<string, { help: string; value: number; type?: "gauge" | "counter" }>>): string {
    const lines: string[] = [];
    for (const name of Object.keys(HELP) as CounterName[]) {
      lines.push(`# HELP ${name} ${HELP[name]}`, `# TYPE ${name} counter`);
      let any = false;
      for (const [k, v] of [...this.counters].sort()) {
        if (k === name || k.startsWith(`${name}{`)) {
          lines.push(`${k} ${v}`);
          any = true;
        }
      }
      if (!any) lines.push(`${name} 0`);
    }
    const q = (name: string, help: string, s: RecentSamples): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} summary`);
      lines.push(`${name}{quantile="0.5"} ${s.quantile(0.5)}`, `${name}{quantile="0.99"} ${s.quantile(0.99)}`);
    };
    q("moat_engine_observe_seconds", "Time engine.observe took on the request path (new accounts; recent samples).", this.observeSeconds);
    q("moat_engine_deferred_seconds", "Engine time per exchange fed after forwarding (batch average; recent samples).", this.deferredSeconds);
    q("moat_engine_feed_lag_seconds", "Time from a decision until the engine has seen its exchange (recent batches).", this.feedLagSeconds);
    q("moat_decide_seconds", "Time from request body received to forwarding decision (recent samples).", this.decideSeconds);
    const h = this.loopDelay;
    if (h !== null && h.count > 0) {
      const name = "moat_event_loop_delay_seconds";
      lines.push(`# HELP ${name} Interval between runs of a 10 ms timer since start (10 ms plus any stall of the event loop, which delays every request in flight).`, `# TYPE ${name} summary`);
      lines.push(`${name}{quantile="0.5"} ${h.percentile(50) / 1e9}`, `${name}{quantile="0.99"} ${h.percentile(99) / 1e9}`, `${name}{quantile="1"} ${h.max / 1e9}`);
    }
    const gc = ([["minor", this.gcMinor], ["major", this.gcMajor]] as const).filter(([, g]) => g.count > 0);
    const gcName = "moat_gc_pause_seconds";
    if (gc.length > 0)
      lines.push(`# HELP ${gcName} Garbage-collection pauses since start (minor: young-generation scavenges; major: mark-compact and the rest). A pause delays every request in flight.`, `# TYPE ${gcName} summary`);
    for (const [kind, g] of gc) {
      lines.push(
        `${gcName}{kind="${kind}",quantile="0.5"} ${g.recent.quantile(0.5)}`,
        `${gcName}{kind="${kind}",quantile="0.99"} ${g.recent.quantile(0.99)}`,
        `${gcName}{kind="${kind}",quantile="1"} ${g.maxSeconds}`,
        `${gcName}_sum{kind="${kind}"} ${g.totalSeconds}`,
        `${gcName}_count{kind="${kind}"} ${g.count}`,
      );
    }
    const runMetrics: Array<[string, Pauses, string]> = [
      [
        "moat_campaign_run_seconds",
        this.campaignRuns,
        "Engine time of each campaign-detection run of the live engine since start (one per engine clock grid point with traffic), all of its steps.",
      ],
      [
        "moat_campaign_run_block_seconds",
        this.campaignRunBlocks,
        "The longest each campaign run held the event loop (every request in flight waits meanwhile): a run is stepped about 1 ms per turn; one that runs at once (a flush before an admin call, shutdown, a long backlog) holds it throughout. Start-up replay runs are not counted.",
      ],
    ];
    for (const [name, runs, help] of runMetrics) {
      if (runs.count === 0) continue;
      lines.push(
        `# HELP ${name} ${help}`,
        `# TYPE ${name} summary`,
        `${name}{quantile="0.5"} ${runs.recent.quantile(0.5)}`,
        `${name}{quantile="0.99"} ${runs.recent.quantile(0.99)}`,
        `${name}{quantile="1"} ${runs.maxSeconds}`,
        `${name}_sum ${runs.totalSeconds}`,
        `${name}_count ${runs.count}`,
      );
    }
    for (const [name, g] of Object.entries(gauges)) lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} ${g.type ?? "gauge"}`, `${name} ${g.value}`);
    return `${lines.join("\n")}\n`;
  }
}
