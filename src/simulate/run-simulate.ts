/**
 * Composition root of `moat simulate`: resolves the scenario, loads address ranges and text, builds the
 * world and streams events.jsonl(.gz), accounts.jsonl, labels.json and scenario.json into the output folder.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createGzip, type Gzip } from "node:zlib";
import { once } from "node:events";
import { UserError } from "../cli/user-error.ts";
import { buildWorld } from "./build.ts";
import { allCatalogAsns } from "./net/asn-catalog.ts";
import { loadAsnRanges } from "./net/asn-ranges.ts";
import { IpPool } from "./net/ip-pool.ts";
import { PRESETS, PRESET_NAMES } from "./presets.ts";
import { loadScenarioFile, parseScenario } from "./scenario.ts";
import type { Scenario } from "./scenario-schema.ts";
import { simulate } from "./simulator.ts";
import { BuiltinText } from "./text/builtin-text.ts";
import { loadCorpus } from "./text/corpus-text.ts";
import type { TextSource } from "./text/text-source.ts";
import { DAY } from "./world.ts";

export interface SimulateRunOptions {
  /** Preset name (quick, realistic, seed-scale) or a JSON/YAML scenario file. */
  readonly scenario: string;
  readonly out: string;
  readonly seed?: number;
  readonly scale?: number;
  readonly corpus?: string;
  /** Write events.jsonl.gz instead of events.jsonl. */
  readonly gzip?: boolean;
  /** Where to draw progress (a TTY); null for none. */
  readonly progress?: NodeJS.WriteStream | null;
}

export interface GroupCount {
  accounts: number;
  events: number;
}

export interface SimulateSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly scale: number;
  readonly events: number;
  readonly badLines: number;
  readonly accounts: number;
  readonly groups: Readonly<Record<string, GroupCount>>;
  readonly files: { readonly events: string; readonly accounts: string; readonly labels: string; readonly scenario: string };
  readonly seconds: number;
}

/** A preset by name, or a scenario file by path. */
export async function resolveScenario(nameOrPath: string): Promise<Scenario> {
  const preset = PRESETS[nameOrPath];
  if (preset !== undefined) return parseScenario(preset, `preset ${nameOrPath}`);
  if (!/[./\\]/.test(nameOrPath)) {
    throw new UserError("UNKNOWN_PRESET", `unknown scenario "${nameOrPath}"; use one of ${PRESET_NAMES.join(", ")} or a path to a .json/.yaml scenario file`);
  }
  return loadScenarioFile(nameOrPath);
}

async function writeChunk(stream: WriteStream | Gzip, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, "drain");
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}

/** Runs a simulation to files and returns a summary (counts per group). */
export async function runSimulate(opts: SimulateRunOptions): Promise<SimulateSummary> {
  const began = performance.now();
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(seed)) throw new UserError("BAD_SEED", `--seed must be an integer, got ${seed}`);
  if (!(scale > 0) || scale > 100) throw new UserError("BAD_SCALE", `--scale must be > 0 and <= 100, got ${scale}`);
  const scenario = await resolveScenario(opts.scenario);
  const text: TextSource = opts.corpus === undefined ? new BuiltinText() : await loadCorpus(opts.corpus);
  const ips = new IpPool(await loadAsnRanges(allCatalogAsns()));
  const world = buildWorld(scenario, { seed, scale, text, ips });

  await mkdir(opts.out, { recursive: true });
  const files = {
    events: join(opts.out, opts.gzip === true ? "events.jsonl.gz" : "events.jsonl"),
    accounts: join(opts.out, "accounts.jsonl"),
    labels: join(opts.out, "labels.json"),
    scenario: join(opts.out, "scenario.json"),
  };
  const groups: Record<string, GroupCount> = {};
  const labels: Record<string, string> = {};
  const accounts = world.actors.map((a) => a.account).sort((a, b) => (a.created_at ?? "").localeCompare(b.created_at ?? ""));
  for (const a of world.actors) {
    labels[a.account.account_id] = a.label;
    (groups[a.label] ??= { accounts: 0, events: 0 }).accounts++;
  }
  await writeFile(files.accounts, accounts.map((a) => JSON.stringify(a)).join("\n") + "\n");
  await writeFile(files.labels, JSON.stringify(labels) + "\n");
  await writeFile(files.scenario, JSON.stringify({ seed, scale, scenario }, null, 2) + "\n");

  const file = createWriteStream(files.events);
  const sink: WriteStream | Gzip = opts.gzip === true ? createGzip({ level: 6 }) : file;
  if (sink !== file) sink.pipe(file);
  let events = 0;
  let bad = 0;
  let lastDraw = 0;
  const loopStart = performance.now();
  const span = world.env.end - world.env.start;
  const gen = simulate(world.actors, {
    start: world.env.start,
    end: world.env.end,
    outOfOrder: scenario.noise.out_of_order,
    badLines: scenario.noise.bad_lines === 0 ? 0 : Math.max(1, Math.round(scenario.noise.bad_lines * scale)),
    rng: world.rng.fork("noise"),
  });
  for (const w of gen) {
    if (w.lines.length > 0) await writeChunk(sink, w.lines.join("\n") + "\n");
    for (const [label, n] of w.perLabel) (groups[label] ??= { accounts: 0, events: 0 }).events += n;
    events += w.lines.length - w.badLines;
    bad += w.badLines;
    const now = performance.now();
    if (opts.progress != null && now - lastDraw > 400) {
      lastDraw = now;
      const done = (w.windowEnd - world.env.start) / span;
      const secs = Math.max(0.001, (now - loopStart) / 1000);
      const eta = secs * (1 / Math.max(done, 1e-9) - 1);
      opts.progress.write(
        `\rsimulate: day ${((w.windowEnd - world.env.start) / DAY).toFixed(1)}/${scenario.days} ${(done * 100).toFixed(0)}%  ${events.toLocaleString("en-US")} events  ${Math.round(events / secs).toLocaleString("en-US")} ev/s  ETA ${fmtDuration(eta)}   `,
      );
    }
  }
  if (opts.progress != null) opts.progress.write("\n");
  sink.end();
  await once(file, "finish");
  return {
    scenario: scenario.name,
    seed,
    scale,
    events,
    badLines: bad,
    accounts: accounts.length,
    groups,
    files,
    seconds: (performance.now() - began) / 1000,
  };
}

/** A short human-readable summary of a run. */
export function formatSimulateSummary(s: SimulateSummary): string {
  const rows = Object.entries(s.groups).sort(([a], [b]) => a.localeCompare(b));
  const w = Math.max(...rows.map(([l]) => l.length), 5);
  const lines = [
    `scenario ${s.scenario} (seed ${s.seed}, scale ${s.scale}): ${s.events.toLocaleString("en-US")} events, ${s.accounts.toLocaleString("en-US")} accounts, ${s.badLines} bad lines, ${s.seconds.toFixed(1)} s`,
    `${"group".padEnd(w)}  ${"accounts".padStart(9)}  ${"events".padStart(10)}`,
    ...rows.map(([l, g]) => `${l.padEnd(w)}  ${g.accounts.toLocaleString("en-US").padStart(9)}  ${g.events.toLocaleString("en-US").padStart(10)}`),
    `wrote ${s.files.events}, ${s.files.accounts}, ${s.files.labels}`,
  ];
  return lines.join("\n");
}
