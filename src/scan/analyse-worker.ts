/**
 * The scan's second thread: reads the traffic log (ingest, reorder, validation) and runs the per-request
 * analysis, which is pure (`analyseRequest`), then hands batches of features to the main thread, which
 * owns the engine. Order is kept: the engine sees exactly the sequence the in-process scan would.
 *
 * This thread is the slower one (analysis costs more than the engine), so it only fills arrays for the trip
 * (feature-batch.ts). Sending some batches unanalysed for the main thread to analyse was tried and measured
 * slower: cloning whole events cost both threads more than the analysis it moved.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openEvents } from "../ingest/index.ts";
import type { IngestStats } from "../ingest/index.ts";
import { createEnricher } from "../enrich/index.ts";
import { analyseRequest } from "../core/features/request-features.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";
import { ContentCache } from "../core/features/content-cache.ts";
import type { WorkerInput, WorkerMessage } from "./analysed-stream.ts";
import { packFeatures, transfer } from "./feature-batch.ts";

const BATCH = 2000;
/** Batches the main thread may have unconsumed before this thread waits: bounds memory. */
const MAX_IN_FLIGHT = 8;

const snapshot = (stats: IngestStats): IngestStats => ({ ...stats, badReasons: { ...stats.badReasons } });

async function run(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on("message", () => {
    inFlight--;
    wake?.();
  });
  const send = async (m: WorkerMessage): Promise<void> => {
    port.postMessage(m, m.kind === "batch" ? transfer(m.packed) : []);
    if (m.kind !== "batch") return;
    inFlight++;
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    wake = null;
  };
  try {
    const enricher = createEnricher();
    // Repeated prompt text (re-sent history, shared system prompts, re-sent problems) is analysed once.
    const cache = new ContentCache();
    const { events, stats } = openEvents(input.sources, { ...(input.reorderWindowMs !== undefined ? { reorderWindowMs: input.reorderWindowMs } : {}), cwd: input.cwd });
    let features: RequestFeatures[] = [];
    for await (const ev of events) {
      features.push(analyseRequest(ev, enricher, cache));
      if (features.length >= BATCH) {
        await send({ kind: "batch", packed: packFeatures(features), stats: snapshot(stats) });
        features = [];
      }
    }
    if (features.length > 0) await send({ kind: "batch", packed: packFeatures(features), stats: snapshot(stats) });
    await send({ kind: "done", stats: snapshot(stats) });
  } catch (e: unknown) {
    const err = e as { message?: unknown; code?: unknown; name?: unknown };
    await send({ kind: "error", message: String(err.message ?? e), code: typeof err.code === "string" ? err.code : null, user: err.name === "UserError" });
  }
}

if (parentPort) await run(parentPort, workerData as WorkerInput);
