/**
 * Composition root of `moat eval`: reads the labels and the scan report (validated against the
 * contracts), streams the events once through the evaluator and the baselines, and optionally writes
 * the result as JSON.
 */
import { readFile, writeFile } from "node:fs/promises";
import { UserError } from "../cli/user-error.ts";
import { labelsSchema, scanReportSchema } from "../contracts/index.ts";
import type { ScanReport } from "../core/model/report.ts";
import { openEvents } from "../ingest/index.ts";
import { EvalAccumulator, type EvalOptions, type EvalResult } from "./metrics.ts";

export interface EvalRunOptions extends EvalOptions {
  /** Path of the scan report, or the report itself. */
  readonly report: string | ScanReport;
  /** Path of labels.json, or the labels themselves. */
  readonly labels: string | Readonly<Record<string, string>>;
  /** Traffic log sources (files, globs, "-"), as `moat scan` takes them. */
  readonly events: string | readonly string[];
  /** Write the JSON result here. */
  readonly out?: string;
}

/** The JSON written by `--out`: the evaluation plus what was read. */
export interface EvalOutput extends EvalResult {
  readonly moat_eval_version: 1;
  readonly generated_at: string;
  readonly ingest: { readonly events: number; readonly bad_lines: number; readonly late_events: number; readonly bad_line_reasons: Readonly<Record<string, number>> };
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e: unknown) {
    throw new UserError("EVAL_INPUT_MISSING", `cannot read ${what} ${path} (${(e as { code?: string }).code ?? String(e)}); check the path`);
  }
  try {
    return JSON.parse(text);
  } catch (e: unknown) {
    throw new UserError("EVAL_INPUT_SYNTAX", `${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** `accounts[3].verdict` style path. */
function formatPath(path: readonly PropertyKey[]): string {
  const s = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
  return s === "" ? "(top level)" : s;
}

function invalid(what: string, source: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): UserError {
  const lines = issues.slice(0, 10).map((i) => `${formatPath(i.path)}: ${i.message}`);
  return new UserError("EVAL_INPUT_INVALID", `${what} ${source} does not follow the contract:\n  ${lines.join("\n  ")}${issues.length > 10 ? `\n  (${issues.length - 10} more)` : ""}`);
}

/** Loads and validates labels (contract §4). */
export async function loadLabels(src: string | Readonly<Record<string, string>>): Promise<Readonly<Record<string, string>>> {
  const data = typeof src === "string" ? await readJson(src, "labels file") : src;
  const r = labelsSchema.safeParse(data);
  if (!r.success) throw invalid("labels", typeof src === "string" ? src : "(object)", r.error.issues);
  return r.data;
}

/** Loads and validates a scan report (contract §3). */
export async function loadReport(src: string | ScanReport): Promise<ScanReport> {
  const data = typeof src === "string" ? await readJson(src, "report") : src;
  const r = scanReportSchema.safeParse(data);
  if (!r.success) throw invalid("report", typeof src === "string" ? src : "(object)", r.error.issues);
  return r.data;
}

/** Runs the evaluation end to end; writes `opts.out` when given. */
export async function runEval(opts: EvalRunOptions): Promise<EvalOutput> {
  const labels = await loadLabels(opts.labels);
  const report = await loadReport(opts.report);
  const acc = new EvalAccumulator(labels, report.accounts, opts);
  const { events, stats } = openEvents(typeof opts.events === "string" ? [opts.events] : opts.events);
  for await (const { t, event } of events) acc.observe(t, event);
  const output: EvalOutput = {
    moat_eval_version: 1,
    generated_at: new Date().toISOString(),
    ...acc.result(),
    ingest: { events: stats.events, bad_lines: stats.badLines, late_events: stats.lateEvents, bad_line_reasons: { ...stats.badReasons } },
  };
  if (opts.out !== undefined) await writeFile(opts.out, JSON.stringify(output, null, 2) + "\n");
  return output;
}
