/**
 * `moat eval`: per-group detection metrics (each campaign, each legitimate persona) for a scan report
 * against labels, with two baselines computed over the same events.
 */
export { runEval, loadLabels, loadReport, type EvalRunOptions, type EvalOutput } from "./run-eval.ts";
export { EvalAccumulator, overallOf, DETECTORS, type EvalResult, type EvalOptions, type GroupResult, type DetectorStats, type OverallStats, type DetectorName } from "./metrics.ts";
export { formatEvalTable } from "./format-table.ts";
export { DailyRateLimit, CotKeywordRule, COT_KEYWORDS, type Baseline } from "./baselines.ts";
export { promptText } from "./prompt-text.ts";
