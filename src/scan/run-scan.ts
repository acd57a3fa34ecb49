/**
 * The replay driver: reads traffic logs in event-time order, feeds the engine, and builds the report.
 * Everything here is wiring; detection lives in src/core.
 */
import type { Enricher } from "../core/ports/enricher.ts";
import type { ScanReport } from "../core/model/report.ts";
import { Engine } from "../core/engine/engine.ts";
import type { EngineConfigInput } from "../core/engine/config.ts";
import { buildReport } from "../core/engine/report.ts";
import { openEvents, readAccounts } from "../ingest/index.ts";
import type { IngestStats } from "../ingest/index.ts";
import { UserError } from "../cli/user-error.ts";
import { resolveSources } from "../ingest/sources.ts";
import { openAnalysed } from "./analysed-stream.ts";
import { analyseRequest } from "../core/features/request-features.ts";
import { ContentCache } from "../core/features/content-cache.ts";

export interface ScanOptions {
  readonly events: readonly string[];
  readonly accounts?: string;
  readonly all?: boolean;
  readonly reorderWindowMs?: number;
  readonly engine?: EngineConfigInput;
  readonly enricher: Enricher;
  /** Wall clock for `generated_at` (injected so tests are deterministic). */
  readonly now: () => Date;
  /** Called once with live stats, so a caller can show progress. */
  readonly onStart?: (stats: IngestStats, engine: Engine) => void;
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Read and analyse on a second thread (see analysed-stream.ts). Only with the default enricher, which the
   * worker builds itself (`enricher` then serves the accounts file only); ignored for standard input.
   */
  readonly analyseInWorker?: boolean;
}

export interface ScanResult {
  readonly report: ScanReport;
  readonly stats: IngestStats;
  readonly accountsBadLines: number;
  readonly accountsBadReasons: Readonly<Record<string, number>>;
  readonly engine: Engine;
}

export async function runScan(opts: ScanOptions): Promise<ScanResult> {
  if (opts.events.length === 0) throw new UserError("NO_INPUT", "no traffic log given: pass --events <file…> (JSONL, JSONL.gz or Parquet; '-' reads stdin)");
  const engine = new Engine({ enricher: opts.enricher, ...(opts.engine ? { config: opts.engine } : {}) });
  const windowOpt = opts.reorderWindowMs !== undefined ? { reorderWindowMs: opts.reorderWindowMs } : {};
  const inWorker = opts.analyseInWorker === true && !opts.stdin && !opts.events.includes("-");
  // Same sources checked here first, so a missing file is reported before a thread starts; the thread then
  // starts before the accounts file is read, so its start-up overlaps that.
  if (inWorker) resolveSources(opts.events);
  const analysed = inWorker ? openAnalysed(opts.events, windowOpt) : null;
  try {
    return await scanWith(opts, engine, analysed, windowOpt);
  } finally {
    await analysed?.close();
  }
}

async function scanWith(opts: ScanOptions, engine: Engine, analysed: ReturnType<typeof openAnalysed> | null, windowOpt: { reorderWindowMs?: number }): Promise<ScanResult> {
  let accountsBad = 0;
  let accountsBadReasons: Record<string, number> = {};
  let accountCount = 0;
  if (opts.accounts) {
    const acc = await readAccounts(opts.accounts);
    for (const rec of acc.accounts) engine.upsertAccount(rec);
    accountsBad = acc.badLines;
    accountsBadReasons = acc.badReasons;
    accountCount = acc.accounts.length;
  }
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  let stats: IngestStats;
  if (analysed !== null) {
    stats = analysed.stats;
    opts.onStart?.(stats, engine);
    for await (const batch of analysed.batches)
      for (let i = 0; i < batch.length; i++) {
        const f = batch.get(i);
        if (f.t < from) from = f.t;
        if (f.t > to) to = f.t;
        engine.ingestAnalysed(f);
      }
  } else {
    const opened = openEvents(opts.events, Object.assign({}, windowOpt, opts.stdin ? { stdin: opts.stdin } : {}));
    stats = opened.stats;
    opts.onStart?.(stats, engine);
    const cache = new ContentCache();
    for await (const ev of opened.events) {
      if (ev.t < from) from = ev.t;
      if (ev.t > to) to = ev.t;
      engine.ingestAnalysed(analyseRequest(ev, opts.enricher, cache));
    }
  }
  if (stats.events === 0 && stats.badLines === 0) throw new UserError("EMPTY_INPUT", `the traffic log has no events (${opts.events.join(", ")}): check the path, or that the file is not empty`);
  const seen = new Set<string>(engine.accountIds());
  const report = buildReport(
    engine,
    {
      events: stats.events,
      accounts: Math.max(accountCount, seen.size),
      bad_lines: stats.badLines,
      from: Number.isFinite(from) ? new Date(from).toISOString() : null,
      to: Number.isFinite(to) ? new Date(to).toISOString() : null,
      late_events: stats.lateEvents,
      bad_line_reasons: stats.badReasons,
      bad_account_lines: accountsBad,
    },
    opts.now().toISOString(),
    { all: opts.all === true },
  );
  return { report, stats, accountsBadLines: accountsBad, accountsBadReasons, engine };
}
