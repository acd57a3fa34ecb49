/**
 * The human summary of a scan: input counts, what was wrong with the input, and the campaign table.
 */
import type { ScanReport } from "../core/model/report.ts";

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Formats the report for a terminal. `maxCampaigns` bounds the table. */
export function formatScanSummary(r: ScanReport, maxCampaigns = 20): string {
  const lines: string[] = [];
  const inp = r.input;
  lines.push(`Read ${inp.events.toLocaleString("en-US")} events from ${inp.accounts.toLocaleString("en-US")} accounts (${inp.from ?? "?"} .. ${inp.to ?? "?"}).`);
  if (inp.bad_lines > 0) {
    const why = Object.entries(inp.bad_line_reasons ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
    lines.push(`Skipped ${inp.bad_lines} bad lines (${why}); every other line was processed.`);
  }
  if ((inp.bad_account_lines ?? 0) > 0) lines.push(`Skipped ${inp.bad_account_lines} bad lines in the accounts file.`);
  if ((inp.late_events ?? 0) > 0) lines.push(`${inp.late_events} events arrived later than the reorder window; they were processed at the time they were read.`);
  const ext = r.accounts.filter((a) => a.verdict === "extraction").length;
  const sus = r.accounts.filter((a) => a.verdict === "suspicious").length;
  lines.push(`Verdicts: ${ext} accounts extraction, ${sus} suspicious, ${r.campaigns.length} campaigns.`);
  if (r.campaigns.length > 0) {
    const rows: string[][] = [["campaign", "accounts", "exchanges", "score", "targets", "detected at", "top reasons"]];
    for (const c of r.campaigns.slice(0, maxCampaigns)) {
      const t = c.targets;
      // The contract folds instruction generation into "other"; the indicators keep its share apart.
      const instr = typeof c.indicators["instruction_share"] === "number" ? c.indicators["instruction_share"] : 0;
      const shares: Array<[string, number]> = [...Object.entries(t).map(([k, v]): [string, number] => [k, k === "other" ? v - instr : v]), ["instruction generation", instr]];
      const targets = shares.filter(([, v]) => v >= 0.1).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v)}`).join(", ");
      rows.push([c.campaign_id, String(c.accounts.length), c.exchanges.toLocaleString("en-US"), c.score.toFixed(2), targets, c.detected_at.slice(0, 16).replace("T", " "), c.reasons.slice(0, 2).map((x) => x.code).join(", ")]);
    }
    lines.push("", table(rows));
    if (r.campaigns.length > maxCampaigns) lines.push(`… and ${r.campaigns.length - maxCampaigns} more in the report.`);
    const top = r.campaigns[0]!;
    lines.push("", `Why ${top.campaign_id}:`);
    for (const reason of top.reasons.slice(0, 5)) lines.push(`  ${reason.weight >= 0 ? "+" : ""}${reason.weight.toFixed(2)} ${reason.code}: ${reason.detail}`);
  }
  const loners = r.accounts.filter((a) => a.campaign_id === null && a.verdict === "extraction").slice(0, 5);
  if (loners.length > 0) {
    lines.push("", "Extraction accounts outside any campaign:");
    for (const a of loners) lines.push(`  ${a.account_id} score ${a.score.toFixed(2)}, ${a.exchanges} exchanges: ${a.reasons.slice(0, 3).map((x) => x.code).join(", ")}`);
  }
  return lines.join("\n");
}
