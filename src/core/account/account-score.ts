/**
 * An account's own-behaviour score: what its traffic alone says, before any link to other accounts.
 * Each signal adds a bounded weight with a reason; no single signal can reach `extraction` by itself,
 * because every one of them has a legitimate look-alike (threat model: students, benchmarks, SaaS, privacy users).
 */
import type { Reason } from "../model/report.ts";
import { reason, strongestFirst } from "../model/reasons.ts";
import type { AccountState } from "./account-state.ts";
import { REPEAT_SAMPLE } from "./account-state.ts";
import { CATEGORIES } from "../features/request-features.ts";

const HOUR = 3_600_000;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

export interface OwnScore {
  readonly score: number;
  readonly reasons: Reason[];
  /**
   * How many extraction-specific markers fired (rejection sampling, early model switch, maximal reasoning
   * budgets, IP rotation): heavy step-by-step use alone is also what tutors, SaaS apps and benchmarks do.
   */
  readonly markers: number;
  /** Verified identity or a paid organisation tier. */
  readonly knownCustomer: boolean;
}

const MARKERS: ReadonlySet<string> = new Set(["rejection_sampling", "early_model_switch", "max_reasoning_budget", "ip_rotation"]);

const REASONING = CATEGORIES.indexOf("reasoning");
const CODING = CATEGORIES.indexOf("coding");
const AGENTIC = CATEGORIES.indexOf("agentic");
const INSTRUCTION = CATEGORIES.indexOf("instruction");

/**
 * Sums weights and, when asked, formats reasons. A class rather than a closure made per call: `ownScore` runs
 * on every exchange, and the TypeScript loader renames every named closure each time it is created.
 */
class Tally {
  total = 0;
  markers = 0;
  readonly reasons: Reason[] = [];
  constructor(private readonly withReasons: boolean) {}
  /** Details are only formatted when asked for: the score itself runs on every exchange. */
  add(code: string, weight: number, detail: () => string): void {
    if (weight === 0) return;
    this.total += weight;
    if (MARKERS.has(code)) this.markers++;
    if (this.withReasons) this.reasons.push(reason(code, weight, detail()));
  }
}

/** Scores an account from its own sketches (which hold only what was seen so far: causal by construction). */
export function ownScore(a: AccountState, withReasons: boolean): OwnScore {
  const tally = new Tally(withReasons);
  const n = a.n;
  // Too little traffic to say anything about behaviour shares; linking can still act on it.
  const confidence = Math.min(1, n / 8);

  const cot = a.share(a.cotN);
  if (cot >= 0.2) tally.add("cot_elicitation", 0.3 * cot * confidence, () => `${pct(cot)} of ${n} prompts demand step-by-step reasoning`);

  const target =
    a.categoryShare(REASONING) + a.categoryShare(CODING) + a.categoryShare(AGENTIC) + a.categoryShare(INSTRUCTION);
  if (target >= 0.5) {
    tally.add("capability_targeting", 0.14 * target * confidence, () => `${pct(target)} of prompts target reasoning/coding/agentic/instruction skills (${CATEGORIES.map((c, i) => `${c} ${pct(a.categoryShare(i))}`).join(", ")})`);
  }
  const instr = a.categoryShare(INSTRUCTION);
  if (instr >= 0.3 && n >= 5) tally.add("instruction_generation", 0.2 * instr * confidence, () => `${pct(instr)} of prompts ask the model to generate tasks or training data`);

  const single = 1 - a.share(a.multiTurnN);
  if (n >= 5 && single >= 0.8) tally.add("single_turn", 0.1 * single, () => `${pct(single)} of exchanges are one-shot, no conversation`);
  else if (n >= 5 && single < 0.4) tally.add("conversational", -0.08, () => `${pct(1 - single)} of exchanges continue a conversation`);

  if (a.facts.createdAt !== null) {
    const age = a.firstT - a.facts.createdAt;
    if (age >= 0 && age < HOUR) tally.add("new_account", 0.12, () => `first request ${Math.round(age / 60_000)} minutes after sign-up`);
    else if (age >= 0 && age < 24 * HOUR) tally.add("new_account", 0.08, () => `first request ${Math.round(age / HOUR)} hours after sign-up`);
  }

  if (n >= 5) {
    // Rotation shows as a high share of new addresses early on, and as a large pool later (the share fades
    // as one account's volume grows; a pool of 50 exits does not).
    const distinctIps = a.ips.estimate();
    const rotation = Math.max(Math.min(1, distinctIps / n), Math.min(1, distinctIps / 50));
    if (rotation >= 0.4) tally.add("ip_rotation", 0.15 * rotation, () => `${Math.round(distinctIps)} distinct IPs over ${n} exchanges`);
  }
  const anon = a.share(a.anonNetN);
  if (n >= 3 && anon >= 0.5) tally.add("anonymised_network", 0.04 * anon, () => `${pct(anon)} of traffic from data-centre, VPN or Tor addresses`);

  const span = a.lastT - a.firstT;
  const hours = a.activeHours();
  if (n >= 48 && span >= 20 * HOUR && hours >= 18) tally.add("round_the_clock", 0.1, () => `active in ${hours} of 24 hours of the day over ${Math.round(span / HOUR)} hours`);
  if (a.gaps.n >= 20 && Math.sqrt(a.gaps.variance()) < 0.25) tally.add("machine_timing", 0.06, () => `inter-arrival times are machine-regular (σ of log-gap ${Math.sqrt(a.gaps.variance()).toFixed(2)})`);

  const rep = a.n > 0 ? a.repeatN / Math.min(a.n, REPEAT_SAMPLE) : 0;
  if (n >= 10 && rep >= 0.1 && rep <= 0.8) tally.add("rejection_sampling", 0.08, () => `${pct(rep)} of prompts re-send a problem already asked`);

  if (n >= 20) {
    const distinct = Math.min(1, a.problems.estimate() / n);
    const templShare = Math.min(1, a.bands.topCount() / n);
    if (distinct >= 0.6 && templShare >= 0.5 && target >= 0.6)
      tally.add("problem_set_sweep", 0.1, () => `${pct(distinct)} distinct problems wrapped in one template (${pct(templShare)} of prompts)`);
  }

  // Within hours of a release, not within the day: developers upgrade the same day too. The campaign-level
  // signal (many accounts switching together) is the stronger one (group-score.ts).
  if (a.switchLagHours !== null && a.switchLagHours < 6)
    tally.add("early_model_switch", 0.08, () => `moved to a newly released model ${a.switchLagHours!.toFixed(1)} hours after it first appeared`);

  const big = a.share(a.bigBudgetN);
  if (n >= 3 && big >= 0.5) tally.add("max_reasoning_budget", 0.05 * big, () => `${pct(big)} of requests ask for large thinking budgets or outputs`);

  const days = Math.max(1, span / (24 * HOUR));
  // Sustained means spread over the day too: an evaluation account that runs a few benchmark bursts a week
  // reaches the same daily average in a handful of hours.
  if (n >= 300 && span >= 24 * HOUR && n / days >= 200 && hours >= 16)
    tally.add("sustained_volume", 0.12, () => `${Math.round(n / days)} exchanges a day sustained over ${Math.round(days)} days, in ${hours} hours of the day`);

  if (a.facts.emailClass === "disposable") tally.add("disposable_email", 0.05, () => "signed up with a disposable e-mail domain");
  // Verification and a paid organisation tier are one fact seen twice (who the customer is): they do not stack.
  if (a.facts.tier === "enterprise" || (a.facts.orgId !== null && a.facts.tier !== null && a.facts.tier !== "standard"))
    tally.add("known_customer", -0.15, () => `${a.facts.verified ? "verified " : ""}${a.facts.tier ?? "organisation"} account of ${a.facts.orgId ?? "an org"}`);
  else if (a.facts.verified) tally.add("verified", -0.15, () => "identity or organisation verified");
  if (a.facts.emailClass === "education" || a.facts.tier === "education") tally.add("education", -0.05, () => "education account");

  const { reasons, total, markers } = tally;
  reasons.sort(strongestFirst);
  const knownCustomer = a.facts.verified || a.facts.tier === "enterprise" || (a.facts.orgId !== null && a.facts.tier !== null && a.facts.tier !== "standard");
  return { score: Math.max(0, Math.min(1, total)), reasons, markers, knownCustomer };
}
