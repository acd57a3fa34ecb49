/**
 * Plain-text table of an evaluation: one row per group (campaigns first), moat's numbers and the two
 * baselines side by side, then overall precision / recall / FPR / leakage per detector.
 */
import type { DetectorName, DetectorStats, EvalResult, GroupResult, OverallStats } from "./metrics.ts";

const pct = (x: number | null): string => (x === null ? "-" : `${(x * 100).toFixed(x > 0 && x < 0.001 ? 2 : 1)}%`);
const hrs = (x: number | null): string => (x === null ? "-" : x < 10 ? x.toFixed(1) : x.toFixed(0));
const int = (x: number): string => x.toLocaleString("en-US");

function cells(g: GroupResult, d: DetectorStats, full: boolean): string[] {
  const attack = g.kind === "attack";
  const base = [int(d.caught), pct(d.caughtRate), attack ? pct(d.leakage) : pct(g.exchanges === 0 ? 0 : 1 - d.leakage)];
  if (!full) return base;
  return [int(d.caught), int(d.suspicious), pct(d.caughtRate), attack ? pct(d.leakage) : pct(g.exchanges === 0 ? 0 : 1 - d.leakage), attack ? hrs(d.hoursToFirst) : "-", attack ? hrs(d.hoursToHalf) : "-"];
}

function render(rows: string[][], rightFrom: number): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c < rightFrom ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd());
}

function overallLine(name: DetectorName, o: OverallStats): string {
  return `${name.padEnd(10)}  precision ${o.precision === null ? "-" : o.precision.toFixed(3)}  recall ${pct(o.recall)}  FPR ${pct(o.fpr)}  leakage ${pct(o.leakage)}${o.leakageBeforeFlag === null ? "" : ` (${pct(o.leakageBeforeFlag)} before flagged)`}  (${int(o.truePositives)} of ${int(o.attackAccounts)} attack accounts caught, ${int(o.falsePositives)} of ${int(o.benignAccounts)} legitimate accounts at extraction, ${int(o.leaked)} of ${int(o.attackExchanges)} attack exchanges leaked)`;
}

/**
 * The evaluation as a readable table. For campaigns "rate" is recall and "leak" the share of their
 * exchanges served before action; for legitimate personas "rate" is the false-positive rate and "hit"
 * the share of their exchanges at or after a false action.
 */
export function formatEvalTable(result: EvalResult): string {
  const ordered = [...result.groups].sort((a, b) => (a.kind === b.kind ? a.group.localeCompare(b.group) : a.kind === "attack" ? -1 : 1));
  const header = [
    ["", "", "", "moat", "", "", "", "", "", "rate-limit", "", "", "cot-rule", "", ""],
    ["group", "accounts", "exchanges", "extract", "susp", "rate", "leak/hit", "h→first", "h→half", "caught", "rate", "leak/hit", "caught", "rate", "leak/hit"],
  ];
  const body = ordered.map((g) => [g.group, int(g.accounts), int(g.exchanges), ...cells(g, g.detectors.moat, true), ...cells(g, g.detectors["rate-limit"], false), ...cells(g, g.detectors["cot-rule"], false)]);
  const lines = render([...header, ...body], 1);
  const o = result.options;
  const notes = [
    "",
    "rate = recall for campaigns, false-positive rate for legitimate personas (final verdict extraction); leak = exchanges served before action (moat: extraction_at);",
    "hit = legitimate exchanges at or after a false action (moat: after extraction_at, even if the final verdict was lowered later).",
    `baselines: rate-limit flags an account past ${o.rateLimitPerDay} exchanges in a UTC day; cot-rule flags once >= ${Math.round(o.cotShare * 100)}% of its prompts (after ${o.cotMinPrompts}) contain an English CoT phrase.`,
    "",
    ...(["moat", "rate-limit", "cot-rule"] as const).map((n) => overallLine(n, result.overall[n])),
  ];
  if (result.input.unlabelledAccounts > 0) {
    notes.push(`note: ${int(result.input.unlabelledAccounts)} accounts (${int(result.input.unlabelledExchanges)} exchanges) have no label and are left out.`);
  }
  return [...lines, ...notes].join("\n");
}
