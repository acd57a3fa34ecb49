/**
 * Judges one group of accounts that share a key: is the sharing coordination or coincidence?
 * Popular values (a carrier NAT, a common SDK's defaults) gather accounts that behave differently and share
 * nothing else; a campaign's accounts behave alike, share several rare keys at once, sign up together,
 * act in the same time buckets and switch models together. Weighting by that coherence rather than by raw
 * counts is the dense-subgraph idea of FRAUDAR / SliceNDice, computed per group so it stays linear.
 */
import type { Reason } from "../model/report.ts";
import { reason, strongestFirst } from "../model/reasons.ts";
import type { AccountState, LinkRef } from "../account/account-state.ts";
import { DistinctCounter } from "../account/sketches.ts";
import { CATEGORIES } from "../features/request-features.ts";

const REASONING = CATEGORIES.indexOf("reasoning");
const INSTRUCTION = CATEGORIES.indexOf("instruction");
import { CONTROL_KINDS, KIND_LABEL, KIND_WEIGHT } from "./keys.ts";
import type { KeyKind } from "./keys.ts";

/** Groups larger than this are judged on a deterministic sample of members: bounded work per run. */
export const GROUP_SAMPLE = 400;

export interface GroupVerdict {
  readonly score: number;
  readonly reasons: Reason[];
  /** Members that share at least one other strong key with another member of the group. */
  readonly coherence: number;
  readonly behaviour: number;
  /** The template sweep measured now on at least 20 unattached members (0 otherwise): the caller keeps its peak. */
  readonly sweep: number;
}

/** Open-addressing table (bucket -> count) reused by `crowdedBuckets`; key 0 = empty (bucket 0 is never counted). */
let tableKeys = new Uint32Array(2048);
let tableCounts = new Uint32Array(2048);
/** Cells `crowdedBuckets` filled in the current call, emptied before it returns. */
let usedCells = new Uint32Array(1024);

/**
 * The members' recent 10-minute buckets: how many there are (`slots`), and how many of them fall in a bucket
 * at least `crowd` of them share (`crowded`). Counted in a reused hash table rather than by sorting them all:
 * this runs for every group judged (same result as counting runs in the sorted list).
 */
function crowdedBuckets(members: readonly AccountState[], crowd: number): { slots: number; crowded: number } {
  const most = members.length * 16;
  if (tableKeys.length < 2 * most) {
    let size = tableKeys.length;
    while (size < 2 * most) size *= 2;
    tableKeys = new Uint32Array(size);
    tableCounts = new Uint32Array(size);
  }
  if (usedCells.length < most) usedCells = new Uint32Array(most);
  const keys = tableKeys;
  const counts = tableCounts;
  const used = usedCells;
  const mask = keys.length - 1;
  let slots = 0;
  let distinct = 0;
  for (const a of members)
    for (let i = 0; i < 16; i++) {
      const b = a.recentBucket(i);
      if (b === 0) continue;
      slots++;
      let at = (Math.imul(b, 0x9e3779b1) >>> 0) & mask;
      for (;;) {
        const k = keys[at]!;
        if (k === b) {
          counts[at]!++;
          break;
        }
        if (k === 0) {
          keys[at] = b;
          counts[at] = 1;
          used[distinct++] = at;
          break;
        }
        at = (at + 1) & mask;
      }
    }
  let crowded = 0;
  for (let u = 0; u < distinct; u++) {
    const at = used[u]!;
    const c = counts[at]!;
    if (c >= crowd) crowded += c;
    keys[at] = 0;
    counts[at] = 0;
  }
  return { slots, crowded };
}

/** Scratch of the template-group passes (see `scoreGroup`), reused across calls. */
const scratchFamLinks: LinkRef[] = [];
let scratchFamStart = new Int32Array(512);
let scratchHeld = new Uint8Array(512);
function ensureScratch(m: number): void {
  if (scratchFamStart.length > m) return;
  let size = scratchFamStart.length;
  while (size <= m) size *= 2;
  scratchFamStart = new Int32Array(size);
  scratchHeld = new Uint8Array(size);
}

/** Scratch-field epoch for co-membership counting; only ever compared for equality, never read as data. */
let evaluationEpoch = 0;


const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Picks up to GROUP_SAMPLE members evenly spread over the list (deterministic). */
export function sampleMembers<T>(members: readonly T[]): readonly T[] {
  if (members.length <= GROUP_SAMPLE) return members;
  const out: T[] = [];
  const step = members.length / GROUP_SAMPLE;
  for (let i = 0; i < GROUP_SAMPLE; i++) out.push(members[Math.floor(i * step)]!);
  return out;
}

/** Scores a group from its members' states. */
export function scoreGroup(
  group: LinkRef,
  members: readonly AccountState[],
  totalMembers: number,
  activeAccounts: number,
  sweepPeak = 0,
): GroupVerdict {
  // Split from the key once, when the group was made (group-index.ts).
  const kind = group.kind as KeyKind;
  const m = members.length;
  let measuredSweep = 0;
  const reasons: Reason[] = [];

  // Coherence: how many members share another key (every kind but the network prefix, which campuses and
  // offices share) with another member. Counted on the groups'
  // scratch fields (mark = this evaluation's epoch), so the hot loop allocates nothing.
  const epoch = ++evaluationEpoch;
  const touched: LinkRef[] = [];
  // Content kinds (parameters, templates) only cohere through identity or infrastructure: users of one
  // public client share its parameters *and* its templates without being one operator.
  const contentKey = kind === "pfp" || kind === "tpl";
  // For a template group, the other templates of the same band that its members use are its family
  // (paraphrases): counted in the same scratch fields, kept apart from coherence below.
  const tplGroup = kind === "tpl";
  const family = tplGroup ? Math.floor(group.band / 4294967296) : -1;
  const familyTouched: LinkRef[] = [];
  // For a template group, this pass also notes what the reliance pass below needs, so that pass does not walk
  // every link again: per member, its links that may be in the family (this group, or a same-band template),
  // and whether a coordinated control link holds it.
  if (tplGroup) ensureScratch(m);
  const famLinks = scratchFamLinks;
  famLinks.length = 0;
  for (let k = 0; k < m; k++) {
    const links = members[k]!.links;
    if (tplGroup) {
      scratchFamStart[k] = famLinks.length;
      scratchHeld[k] = 0;
    }
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      // The group itself is compared by identity: a key comparison reads each link's key string (a cache miss).
      if (l === group) {
        if (tplGroup) famLinks.push(l);
        continue;
      }
      if (l.kind === "pfx") continue;
      if (contentKey && (l.kind === "pfp" || l.kind === "tpl")) {
        if (l.kind !== "tpl" || Math.floor(l.band / 4294967296) !== family) {
          if (tplGroup && l.linked && l.kind === "pfp") scratchHeld[k] = 1;
          continue;
        }
        if (tplGroup) famLinks.push(l);
        if (l.mark !== epoch) {
          l.mark = epoch;
          l.count = 0;
          familyTouched.push(l);
        }
        l.count++;
        continue;
      }
      if (tplGroup && l.linked && CONTROL_KINDS.has(l.kind)) scratchHeld[k] = 1;
      if (l.mark !== epoch) {
        l.mark = epoch;
        l.count = 0;
        touched.push(l);
      }
      l.count++;
    }
  }
  if (tplGroup) scratchFamStart[m] = famLinks.length;
  const need = Math.max(2, Math.ceil(0.05 * m));
  const sampled = totalMembers > 0 ? m / totalMembers : 1;
  let coherent = 0;
  const sharedKinds = new Set<KeyKind>();
  // A co-shared key counts only when it is concentrated here: a real share (5%) of its holders are in this group.
  // That is the rarity weighting: a popular SDK default or a carrier NAT has holders everywhere.
  // Shared groups are marked with a negative count for the passes below.
  for (const l of touched) {
    if (l.count >= need && l.count >= 0.05 * sampled * l.members.length) {
      sharedKinds.add(l.kind as KeyKind);
      l.count = -1;
    }
  }
  for (const l of familyTouched) if (l.count >= need && l.count >= 0.05 * sampled * l.members.length) l.count = -2;
  if (sharedKinds.size > 0) {
    for (const a of members) {
      for (const l of a.links) {
        if (l.mark === epoch && l.count === -1) {
          coherent++;
          break;
        }
      }
    }
  }
  const coherence = m > 0 ? coherent / m : 0;

  let behaviour = 0;
  let verified = 0;
  let edu = 0;
  const orgs = new Map<string, number>();
  for (const a of members) {
    behaviour += a.own;
    if (a.facts.verified) verified++;
    if (a.facts.emailClass === "education" || a.facts.tier === "education") edu++;
    if (a.facts.orgId) orgs.set(a.facts.orgId, (orgs.get(a.facts.orgId) ?? 0) + 1);
  }
  behaviour = m > 0 ? behaviour / m : 0;
  let topOrg = 0;
  for (const c of orgs.values()) topOrg = Math.max(topOrg, c);

  reasons.push(reason(`shared_${kind}`, 0.4 * KIND_WEIGHT[kind] * coherence, `${totalMembers} accounts share one ${KIND_LABEL[kind]}; ${pct(coherence)} of them also share ${[...sharedKinds].map((k) => KIND_LABEL[k]).join(", ") || "nothing else"}`));
  if (kind === "tpl" && m >= 3) {
    // Reliance: how much of its members' traffic runs through this template. Many unrelated accounts that
    // mostly send one rare template is the shape of a problem set being swept; popular templates are discounted.
    // Paraphrased templates split one family over several skeletons: count the member's traffic through this
    // key and through the same band of the other templates this group concentrates (its template family).
    let reliance = 0;
    // The sweep is judged on the members no control link holds: accounts of another operation that share a
    // public paraphrase pool (they already belong to their own campaign) must not blur this one's split.
    const free: AccountState[] = [];
    let freeReliance = 0;
    let freeTargeted = 0;
    let distinctSum = 0;
    for (let k = 0; k < m; k++) {
      const a = members[k]!;
      if (a.n === 0) continue;
      let fam = 0;
      // The member's links that may be in the family, in link order (noted by the first pass).
      for (let j = scratchFamStart[k]!, end = scratchFamStart[k + 1]!; j < end; j++) {
        const l = famLinks[j]!;
        // In the family: this template, or another this group concentrates (marked -2 above).
        if (l === group || (l.mark === epoch && l.count === -2)) fam += a.bands.count(l.band);
      }
      const held = scratchHeld[k] === 1;
      const rel = Math.min(1, fam / a.n);
      // Coding and agentic work are left out: every user of a coding assistant or an agent framework sends its
      // scaffolding around their own code (and CI re-sends the same tasks), so the users of one popular tool
      // look like a split problem set. Content alone counts for reasoning problems and instruction generation.
      const tgt = a.categoryShare(REASONING) + a.categoryShare(INSTRUCTION);
      reliance += rel;
      if (held) continue;
      free.push(a);
      freeReliance += rel;
      freeTargeted += tgt;
      distinctSum += a.problems.estimate();
    }
    reliance /= m;
    const popularity = activeAccounts > 0 ? totalMembers / activeAccounts : 0;
    const rarity = Math.max(0, Math.min(1, (0.3 - popularity) / 0.25));
    if (reliance >= 0.15 && rarity > 0)
      reasons.push(reason("template_reliance", 0.35 * reliance * rarity, `members send ${pct(reliance)} of their traffic through this template family, held by ${pct(popularity)} of active accounts`));
    // Sweep: many unrelated accounts splitting one problem set between them (their problems barely overlap),
    // through one rare template family, aimed at skills. Students share their homework problems (high
    // overlap); a SaaS app or an enterprise is one account or one organisation.
    // Ordinary chat mixed in as cover lowers the members' targeted share, not the template's: the chat does
    // not go through the template. The template family's own targeted share is estimated as targeted /
    // reliance (all targeted traffic through the family, the rest off-target), and the members' traffic must
    // still be at least half aimed at skills.
    const f = free.length;
    const fRel = f > 0 ? freeReliance / f : 0;
    const fTgt = f > 0 ? freeTargeted / f : 0;
    const familyTargeted = Math.min(1, fTgt / Math.max(fRel, 0.3));
    let sweep = 0;
    let detail = "";
    if (f >= 10 && fRel >= 0.1 && fTgt >= 0.5 && familyTargeted >= 0.6 && rarity > 0 && distinctSum > 0) {
      const union = DistinctCounter.unionEstimate(free.map((a) => a.problems));
      const overlap = Math.max(0, 1 - union / distinctSum);
      // Disjointness: a campaign re-sends some problems (rejection sampling, a finite problem set drawn at
      // random), so up to ~30% overlap still reads as a split; classmates asking the same homework overlap far more.
      const disjoint = Math.max(0, Math.min(1, (0.8 - overlap) / 0.5));
      sweep = Math.min(1, fRel / 0.3) * familyTargeted * disjoint * rarity * Math.min(1, f / 20);
      if (f >= 20) measuredSweep = sweep;
      detail = `${f === m ? totalMembers : `${f} of ${m}`} accounts split a problem set between them through one rare template family (${pct(overlap)} of their problems overlap; ${pct(fTgt)} of their traffic, about ${pct(familyTargeted)} of the family's, targets skills)`;
    }
    // A split seen once on enough accounts stays evidence while the template is still rare: as a finite problem
    // set wears out, overlap grows and the (lower-bound) template counts fade, but the accounts did split it.
    if (rarity > 0 && sweepPeak > sweep) {
      sweep = sweepPeak;
      detail = `${totalMembers} accounts split a problem set between them through one rare template family (the split measured earlier on at least 20 of them, sweep ${sweepPeak.toFixed(2)})`;
    }
    if (sweep >= 0.2) reasons.push(reason("template_sweep", 0.4 * sweep, detail));
  }
  reasons.push(reason("member_behaviour", 0.5 * behaviour, `members' own behaviour scores average ${behaviour.toFixed(2)}`));

  // Synchronised activity: members active in the same 10-minute buckets far more than chance.
  if (m >= 3) {
    const crowd = Math.max(3, 0.2 * m);
    const { slots, crowded } = crowdedBuckets(members, crowd);
    const sync = slots > 0 ? crowded / slots : 0;
    if (sync >= 0.3) reasons.push(reason("synchronised_activity", 0.1 * sync, `${pct(sync)} of members' recent activity falls in shared 10-minute windows`));
  }

  // Synchronised model switch: many members moved to the same newly released model within one day.
  // (Only judged from 3 members; most accounts never switch: their list is empty.)
  const starts = new Map<string, number[]>();
  if (m >= 3)
    for (let k = 0; k < m; k++) {
      const ms = members[k]!.modelStarts;
      for (let i = 0; i < ms.length; i++) {
        const s = ms[i]!;
        const ts = starts.get(s.model);
        if (ts === undefined) starts.set(s.model, [s.t]);
        else ts.push(s.t);
      }
    }
  let bestSwitch = 0;
  let bestModel = "";
  for (const [model, ts] of starts) {
    ts.sort((x, y) => x - y);
    let j = 0;
    for (let i = 0; i < ts.length; i++) {
      while (ts[i]! - ts[j]! > 24 * 3_600_000) j++;
      if (i - j + 1 > bestSwitch) {
        bestSwitch = i - j + 1;
        bestModel = model;
      }
    }
  }
  if (m >= 3 && bestSwitch / m >= 0.4)
    reasons.push(reason("synchronised_model_switch", 0.1, `${bestSwitch} of ${m} members switched to ${bestModel} within 24 hours`));

  if (m > 0 && topOrg / m >= 0.8) reasons.push(reason("single_org", -0.3, `${pct(topOrg / m)} of members belong to one organisation`));
  if (m > 0 && verified / m >= 0.5) reasons.push(reason("verified_members", -0.2 * (verified / m), `${pct(verified / m)} of members are verified`));
  if (m > 0 && edu / m >= 0.5) reasons.push(reason("education_members", -0.1 * (edu / m), `${pct(edu / m)} of members are education accounts`));

  reasons.sort(strongestFirst);
  const score = Math.max(0, Math.min(1, reasons.reduce((s, r) => s + r.weight, 0)));
  return { score, reasons, coherence, behaviour, sweep: measuredSweep };
}
