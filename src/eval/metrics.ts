/**
 * Evaluation metrics (pure). Feed events in time order to `EvalAccumulator`, then read per-group and
 * overall numbers for moat's report and for the two baselines:
 * - caught: accounts with verdict `extraction` (baselines: flagged); `suspicious` reported apart;
 * - caught share: recall for a campaign, false-positive rate for a legitimate persona;
 * - leakage: exchanges served before the account's action time (moat: `extraction_at`; baselines:
 *   flag time), counted from the events themselves, over the group's exchanges; for moat also before
 *   `flagged_at` (first `suspicious`, where a gateway policy can already throttle or challenge);
 * - hours from the group's first exchange to its first caught account and to half its accounts caught.
 * Accounts count when they sent at least one exchange or appear in the report.
 */
import type { TrafficEvent } from "../core/model/traffic.ts";
import type { AccountReport } from "../core/model/report.ts";
import { CotKeywordRule, DailyRateLimit, type Baseline } from "./baselines.ts";

export const DETECTORS = ["moat", "rate-limit", "cot-rule"] as const;
export type DetectorName = (typeof DETECTORS)[number];

export interface EvalOptions {
  /** Daily per-account limit of the rate-limit baseline (default 200). */
  readonly rateLimitPerDay?: number;
  /** CoT rule: minimum prompts before it may act (default 5) and share of CoT prompts (default 0.5). */
  readonly cotMinPrompts?: number;
  readonly cotShare?: number;
}

/** One detector's numbers for one group. */
export interface DetectorStats {
  /** Accounts acted on (moat: verdict extraction). */
  readonly caught: number;
  /** Moat only: accounts left at `suspicious`. */
  readonly suspicious: number;
  /** caught / accounts: recall for a campaign, false-positive rate for a persona. */
  readonly caughtRate: number;
  /** Exchanges served before action. */
  readonly leaked: number;
  /** leaked / exchanges (for legitimate groups, 1 - leakage is the share of their traffic hit). */
  readonly leakage: number;
  readonly hoursToFirst: number | null;
  readonly hoursToHalf: number | null;
}

export interface GroupResult {
  /** The label: `attack:<campaign>` or `benign:<persona>`. */
  readonly group: string;
  readonly kind: "attack" | "benign";
  readonly accounts: number;
  /** Labelled accounts with no exchange and no report entry (not counted in `accounts`). */
  readonly idle: number;
  readonly exchanges: number;
  /** Moat: exchanges served before the account's `flagged_at` (first `suspicious` or `extraction`). */
  readonly moatLeakedBeforeFlag: number;
  readonly firstSeen: string | null;
  readonly detectors: Readonly<Record<DetectorName, DetectorStats>>;
}

export interface OverallStats {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly attackAccounts: number;
  readonly benignAccounts: number;
  /** TP / (TP + FP); null when nothing was caught. */
  readonly precision: number | null;
  readonly recall: number | null;
  readonly fpr: number | null;
  readonly attackExchanges: number;
  readonly leaked: number;
  readonly leakage: number | null;
  /** Moat only (null for the baselines, whose flag is their action): attack exchanges served before `flagged_at`. */
  readonly leakedBeforeFlag: number | null;
  readonly leakageBeforeFlag: number | null;
  /** Legitimate exchanges at or after a false positive's action time (the cost of mistakes). */
  readonly benignExchangesHit: number;
}

export interface EvalResult {
  readonly groups: readonly GroupResult[];
  readonly overall: Readonly<Record<DetectorName, OverallStats>>;
  readonly input: {
    readonly events: number;
    /** Accounts in events or report that the labels do not cover (left out of every metric). */
    readonly unlabelledAccounts: number;
    readonly unlabelledExchanges: number;
  };
  readonly options: { readonly rateLimitPerDay: number; readonly cotMinPrompts: number; readonly cotShare: number };
}

type PerDetector<T> = Record<DetectorName, T>;

interface AccountState {
  exchanges: number;
  first: number;
  leaked: PerDetector<number>;
  beforeFlag: number;
}

const HOUR_MS = 3_600_000;

/** Streaming evaluator: labels and the report up front, events one by one in time order. */
export class EvalAccumulator {
  private readonly accounts = new Map<string, AccountState>();
  private readonly extractionAt = new Map<string, number | null>();
  private readonly flaggedAt = new Map<string, number | null>();
  private readonly verdict = new Map<string, string>();
  private readonly baselines: Readonly<Record<"rate-limit" | "cot-rule", Baseline>>;
  private readonly opts: EvalResult["options"];
  private events = 0;

  constructor(
    private readonly labels: Readonly<Record<string, string>>,
    reportAccounts: readonly (Pick<AccountReport, "account_id" | "verdict" | "extraction_at"> & Partial<Pick<AccountReport, "flagged_at">>)[],
    options: EvalOptions = {},
  ) {
    this.opts = { rateLimitPerDay: options.rateLimitPerDay ?? 200, cotMinPrompts: options.cotMinPrompts ?? 5, cotShare: options.cotShare ?? 0.5 };
    this.baselines = {
      "rate-limit": new DailyRateLimit(this.opts.rateLimitPerDay),
      "cot-rule": new CotKeywordRule(this.opts.cotMinPrompts, this.opts.cotShare),
    };
    for (const a of reportAccounts) {
      this.verdict.set(a.account_id, a.verdict);
      const t = a.extraction_at === null ? null : Date.parse(a.extraction_at);
      this.extractionAt.set(a.account_id, t !== null && Number.isFinite(t) ? t : null);
      const f = a.flagged_at === undefined || a.flagged_at === null ? null : Date.parse(a.flagged_at);
      this.flaggedAt.set(a.account_id, f !== null && Number.isFinite(f) ? f : null);
    }
  }

  /** One exchange at event time t (ms). Events must come in time order for the baselines to be causal. */
  observe(t: number, event: TrafficEvent): void {
    this.events++;
    const id = event.account_id;
    let s = this.accounts.get(id);
    if (s === undefined) {
      s = { exchanges: 0, first: t, leaked: { moat: 0, "rate-limit": 0, "cot-rule": 0 }, beforeFlag: 0 };
      this.accounts.set(id, s);
    }
    s.exchanges++;
    if (t < s.first) s.first = t;
    const ext = this.extractionAt.get(id) ?? null;
    if (ext === null || t < ext) s.leaked.moat++;
    const flag = this.flaggedAt.get(id) ?? null;
    if (flag === null || t < flag) s.beforeFlag++;
    for (const name of ["rate-limit", "cot-rule"] as const) {
      const flagged = this.baselines[name].observe(t, event);
      if (flagged === null || t < flagged) s.leaked[name]++;
    }
  }

  /** When each detector acted on the account (null: never); moat acts when its verdict is extraction. */
  private actionTimes(id: string): PerDetector<number | null> {
    const moat = this.verdict.get(id) === "extraction" ? (this.extractionAt.get(id) ?? null) : null;
    return { moat, "rate-limit": this.baselines["rate-limit"].flaggedAt(id), "cot-rule": this.baselines["cot-rule"].flaggedAt(id) };
  }

  /** Final numbers. */
  result(): EvalResult {
    interface Acc {
      accounts: number;
      idle: number;
      exchanges: number;
      first: number;
      caught: PerDetector<number>;
      suspicious: number;
      leaked: PerDetector<number>;
      beforeFlag: number;
      times: PerDetector<number[]>;
    }
    const groups = new Map<string, Acc>();
    const acc = (g: string): Acc => {
      let a = groups.get(g);
      if (a === undefined) {
        a = {
          accounts: 0,
          idle: 0,
          exchanges: 0,
          first: Infinity,
          caught: { moat: 0, "rate-limit": 0, "cot-rule": 0 },
          suspicious: 0,
          leaked: { moat: 0, "rate-limit": 0, "cot-rule": 0 },
          beforeFlag: 0,
          times: { moat: [], "rate-limit": [], "cot-rule": [] },
        };
        groups.set(g, a);
      }
      return a;
    };
    for (const [id, label] of Object.entries(this.labels)) {
      const a = acc(label);
      const s = this.accounts.get(id);
      const inReport = this.verdict.has(id);
      if (s === undefined && !inReport) {
        a.idle++;
        continue;
      }
      a.accounts++;
      a.exchanges += s?.exchanges ?? 0;
      a.beforeFlag += s?.beforeFlag ?? 0;
      if (s !== undefined && s.first < a.first) a.first = s.first;
      if (this.verdict.get(id) === "suspicious") a.suspicious++;
      const times = this.actionTimes(id);
      const caught: PerDetector<boolean> = {
        moat: this.verdict.get(id) === "extraction",
        "rate-limit": times["rate-limit"] !== null,
        "cot-rule": times["cot-rule"] !== null,
      };
      for (const d of DETECTORS) {
        a.leaked[d] += s?.leaked[d] ?? 0;
        if (caught[d]) {
          a.caught[d]++;
          const at = times[d];
          if (at !== null) a.times[d].push(at);
        }
      }
    }
    let unlabelledAccounts = 0;
    let unlabelledExchanges = 0;
    const seen = new Set<string>([...this.accounts.keys(), ...this.verdict.keys()]);
    for (const id of seen) {
      if (this.labels[id] !== undefined) continue;
      unlabelledAccounts++;
      unlabelledExchanges += this.accounts.get(id)?.exchanges ?? 0;
    }
    const out: GroupResult[] = [];
    for (const [group, a] of [...groups.entries()].sort(([x], [y]) => x.localeCompare(y))) {
      const detectors = {} as Record<DetectorName, DetectorStats>;
      for (const d of DETECTORS) {
        const times = a.times[d].slice().sort((x, y) => x - y);
        const half = times[Math.ceil(a.accounts / 2) - 1];
        const first = times[0];
        const hours = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(a.first) ? null : Math.max(0, (x - a.first) / HOUR_MS));
        detectors[d] = {
          caught: a.caught[d],
          suspicious: d === "moat" ? a.suspicious : 0,
          caughtRate: a.accounts === 0 ? 0 : a.caught[d] / a.accounts,
          leaked: a.leaked[d],
          leakage: a.exchanges === 0 ? 0 : a.leaked[d] / a.exchanges,
          hoursToFirst: hours(first),
          hoursToHalf: a.accounts > 0 ? hours(half) : null,
        };
      }
      out.push({
        group,
        kind: group.startsWith("attack:") ? "attack" : "benign",
        accounts: a.accounts,
        idle: a.idle,
        exchanges: a.exchanges,
        moatLeakedBeforeFlag: a.beforeFlag,
        firstSeen: Number.isFinite(a.first) ? new Date(a.first).toISOString() : null,
        detectors,
      });
    }
    const overall = {} as Record<DetectorName, OverallStats>;
    for (const name of DETECTORS) overall[name] = overallOf(out, name);
    return { groups: out, overall, input: { events: this.events, unlabelledAccounts, unlabelledExchanges }, options: this.opts };
  }
}

/** Totals across groups for one detector. */
export function overallOf(groups: readonly GroupResult[], name: DetectorName): OverallStats {
  let tp = 0;
  let fp = 0;
  let attack = 0;
  let benign = 0;
  let attackEx = 0;
  let leaked = 0;
  let beforeFlag = 0;
  let hit = 0;
  for (const g of groups) {
    const d = g.detectors[name];
    if (g.kind === "attack") {
      tp += d.caught;
      attack += g.accounts;
      attackEx += g.exchanges;
      leaked += d.leaked;
      beforeFlag += g.moatLeakedBeforeFlag;
    } else {
      fp += d.caught;
      benign += g.accounts;
      hit += g.exchanges - d.leaked;
    }
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    attackAccounts: attack,
    benignAccounts: benign,
    precision: tp + fp === 0 ? null : tp / (tp + fp),
    recall: attack === 0 ? null : tp / attack,
    fpr: benign === 0 ? null : fp / benign,
    attackExchanges: attackEx,
    leaked,
    leakage: attackEx === 0 ? null : leaked / attackEx,
    leakedBeforeFlag: name === "moat" ? beforeFlag : null,
    leakageBeforeFlag: name === "moat" && attackEx > 0 ? beforeFlag / attackEx : null,
    benignExchangesHit: hit,
  };
}
