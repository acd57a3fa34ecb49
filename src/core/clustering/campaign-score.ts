/**
 * Scores a campaign (a connected set of accounts linked by coordinated groups) and describes it:
 * what it targets, which indicators tie it together, and why moat believes it is one operation.
 */
import type { Reason, CampaignTargets } from "../model/report.ts";
import { reason, strongestFirst } from "../model/reasons.ts";
import type { AccountState } from "../account/account-state.ts";
import { CATEGORIES } from "../features/request-features.ts";
import { KIND_LABEL, keyKind } from "../linking/keys.ts";
import type { KeyKind } from "../linking/keys.ts";

export interface LinkedGroupInfo {
  readonly key: string;
  readonly score: number;
  readonly reasons: readonly Reason[];
  readonly size: number;
}

export interface CampaignEvidence {
  readonly score: number;
  readonly reasons: Reason[];
  readonly targets: CampaignTargets;
  readonly indicators: Record<string, unknown>;
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** Combines member behaviour, the strength of the linking groups and the number of independent kinds of link. */
export function scoreCampaign(members: readonly AccountState[], groups: readonly LinkedGroupInfo[]): CampaignEvidence {
  const m = members.length;
  let own = 0;
  let exchanges = 0;
  const cats = new Array<number>(CATEGORIES.length).fill(0);
  for (const a of members) {
    own += a.own;
    exchanges += a.n;
    for (let i = 0; i < CATEGORIES.length; i++) cats[i]! += a.category(i);
  }
  own = m > 0 ? own / m : 0;
  const kinds = new Set<KeyKind>(groups.map((g) => keyKind(g.key)));
  const best = groups.reduce((b, g) => (g.score > b.score ? g : b), groups[0] ?? { key: "", score: 0, reasons: [], size: 0 });

  const reasons: Reason[] = [];
  reasons.push(reason("member_behaviour", 0.35 * own, `${m} accounts whose own behaviour scores average ${own.toFixed(2)}`));
  const totalCats = cats.reduce((s, c) => s + c, 0) || 1;
  const targeted = 1 - cats[CATEGORIES.indexOf("other")]! / totalCats;
  if (targeted >= 0.6)
    reasons.push(reason("capability_targeting", 0.15 * targeted, `${Math.round(targeted * 100)}% of the campaign's exchanges target reasoning, coding, agentic or instruction-generation skills`));
  reasons.push(reason("coordination", 0.4 * best.score, `strongest link: ${(best.reasons.find((r) => r.code.startsWith("shared_")) ?? best.reasons[0])?.detail ?? best.key}`));
  if (kinds.size >= 2)
    reasons.push(reason("independent_links", 0.06 * Math.min(3, kinds.size), `linked by ${kinds.size} independent kinds of evidence: ${[...kinds].map((k) => KIND_LABEL[k]).join(", ")}`));
  if (m >= 10) reasons.push(reason("campaign_size", Math.min(0.08, 0.03 * Math.log10(m)), `${m} accounts, ${exchanges} exchanges`));
  // Carry over the group-level signals that the strongest groups saw (sync, model switch, mitigations).
  const carried = new Map<string, Reason>();
  for (const g of groups)
    for (const r of g.reasons)
      if (r.code === "template_sweep" || r.code === "synchronised_activity" || r.code === "synchronised_model_switch" || r.code === "single_org" || r.code === "verified_members" || r.code === "education_members") {
        const prev = carried.get(r.code);
        if (!prev || Math.abs(r.weight) > Math.abs(prev.weight)) carried.set(r.code, r);
      }
  reasons.push(...carried.values());
  reasons.sort(strongestFirst);
  const score = Math.max(0, Math.min(1, reasons.reduce((s, r) => s + r.weight, 0)));

  const total = cats.reduce((s, c) => s + c, 0) || 1;
  const share = (name: string): number => round(cats[CATEGORIES.indexOf(name as (typeof CATEGORIES)[number])]! / total);
  const targets: CampaignTargets = {
    reasoning: share("reasoning"),
    coding: share("coding"),
    agentic: share("agentic"),
    other: round(share("other") + share("instruction")),
  };
  const indicators: Record<string, unknown> = {};
  const byKind = new Map<KeyKind, Array<{ value: string; accounts: number }>>();
  for (const g of [...groups].sort((x, y) => y.size - x.size)) {
    const k = keyKind(g.key);
    const list = byKind.get(k) ?? [];
    if (list.length < 10) list.push({ value: g.key.slice(g.key.indexOf(":") + 1), accounts: g.size });
    byKind.set(k, list);
  }
  const names: Record<KeyKind, string> = { pay: "payment_fingerprints", pfp: "param_fingerprints", tpl: "template_signatures", ip: "ips", pfx: "ip_prefixes", mail: "email_patterns", signup: "signup_windows", sip: "signup_prefixes" };
  for (const [k, list] of byKind) indicators[names[k]] = list;
  indicators["instruction_share"] = share("instruction");
  return { score, reasons, targets, indicators };
}
