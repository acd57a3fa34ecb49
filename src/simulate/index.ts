/**
 * `moat simulate`: synthetic API traffic with legitimate personas and distillation campaigns, plus the
 * ground-truth labels to evaluate a detector against.
 */
export { runSimulate, resolveScenario, formatSimulateSummary, type SimulateRunOptions, type SimulateSummary } from "./run-simulate.ts";
export { parseScenario, loadScenarioFile, ScenarioError } from "./scenario.ts";
export { PRESETS, PRESET_NAMES } from "./presets.ts";
export type { Scenario, ScenarioInput } from "./scenario-schema.ts";
