/**
 * The scan's second thread: reads the traffic log (ingest, reorder, validation) and runs the per-request
 * analysis, which is pure (`analyseRequest`), then hands batches of features to the main thread, which
 * owns the engine. Order is kept: the engine sees exactly the sequence the in-process scan would.
 *
 * Load balance: when the main thread has nothing queued (it is about to wait for this thread), the next
 * batch goes over unanalysed and the main thread analyses it itself. The analysis is pure, so which thread
 * ran it does not change a feature; it only keeps both cores busy whichever side is the slower one.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openEvents } from "../ingest/index.ts";
import type { IngestStats } from "../ingest/index.ts";
import { createEnricher } from "../enrich/index.ts";
import { analyseRequest } from "../core/features/request-features.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";
import type { TimedEvent } from "../core/model/traffic.ts";
import type { WorkerInput, WorkerMessage } from "./analysed-stream.ts";
import { FeaturePacker, transfer } from "./feature-batch.ts";

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
    port.postMessage(m, m.kind === "batch" && "packed" in m ? transfer(m.packed) : []);
    if (m.kind !== "batch") return;
    inFlight++;
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    wake = null;
  };
  try {
    const enricher = createEnricher();
    const packer = new FeaturePacker();
    const { events, stats } = openEvents(input.sources, { ...(input.reorderWindowMs !== undefined ? { reorderWindowMs: input.reorderWindowMs } : {}), cwd: input.cwd });
    let features: RequestFeatures[] = [];
    // Decided at the start of each batch: unanalysed when the main thread has nothing queued.
    let raw: TimedEvent[] | null = null;
    let size = 0;
    for await (const ev of events) {
      if (size === 0) raw = input.shareAnalysis && inFlight === 0 ? [] : null;
      if (raw !== null) raw.push(ev);
      else features.push(analyseRequest(ev, enricher));
      if (++size >= BATCH) {
        await send(raw !== null ? { kind: "batch", events: raw, stats: snapshot(stats) } : { kind: "batch", packed: packer.pack(features), stats: snapshot(stats) });
        features = [];
        raw = null;
        size = 0;
      }
    }
    if (size > 0) await send(raw !== null ? { kind: "batch", events: raw, stats: snapshot(stats) } : { kind: "batch", packed: packer.pack(features), stats: snapshot(stats) });
    await send({ kind: "done", stats: snapshot(stats) });
  } catch (e: unknown) {
    const err = e as { message?: unknown; code?: unknown; name?: unknown };
    await send({ kind: "error", message: String(err.message ?? e), code: typeof err.code === "string" ? err.code : null, user: err.name === "UserError" });
  }
}

if (parentPort) await run(parentPort, workerData as WorkerInput);
