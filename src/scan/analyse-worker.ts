/**
 * The scan's second thread: reads the traffic log (ingest, reorder, validation), builds each exchange's prompt
 * view and context features (`analyseContext`), and hands batches to the main thread, which owns the engine.
 * Order is kept: the engine sees exactly the sequence the in-process scan would.
 *
 * Reading and JSON.parse are the larger part of this thread's work, so it only fills arrays for the trip
 * (feature-batch.ts); the content analysis of each distinct prompt runs once, on the main thread, unless the
 * main thread falls behind (then this thread analyses new content itself: `HELP_AT`). Sending whole events
 * for the main thread to analyse was tried earlier and measured slower: cloning them cost both threads more
 * than the analysis it moved. Only the text of a content seen for the first time crosses.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openEventBatches } from "../ingest/index.ts";
import type { TimedEvent } from "../core/model/traffic.ts";
import type { IngestStats } from "../ingest/index.ts";
import { createEnricher } from "../enrich/index.ts";
import { analyseContext, contentInput } from "../core/features/request-features.ts";
import { viewPrompt } from "../core/text/index.ts";
import type { WorkerInput, WorkerMessage } from "./analysed-stream.ts";
import { FeaturePacker, transfer } from "./feature-batch.ts";

const BATCH = 2000;
/** Batches the main thread has not started on at which this thread takes over the content analysis (it is behind). */
const HELP_AT = 2;
/** Batches the main thread may have unconsumed before this thread waits: bounds memory. */
const MAX_IN_FLIGHT = 8;

const snapshot = (stats: IngestStats): IngestStats => Object.assign({}, stats, { badReasons: { ...stats.badReasons } });

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
    // Each event is reduced to its context features and content input as it is read, before it waits in the
    // reorder buffer (an hour of event time): the parsed event dies young. Holding whole events there made
    // them survive scavenges, which cost this thread as much time as JSON.parse.
    const { batches, stats } = openEventBatches(input.sources, {
      cwd: input.cwd,
      ...(input.reorderWindowMs !== undefined ? { reorderWindowMs: input.reorderWindowMs } : {}),
      map: (ev: TimedEvent) => {
        const view = viewPrompt(ev.event.request, ev.event.prompt);
        const content = contentInput(view);
        return { t: ev.t, ctx: analyseContext(ev, enricher, view, content.systemHash), input: content };
      },
    });
    // The content analysis runs on the main thread, once per distinct content (see feature-batch.ts).
    const packer = new FeaturePacker();
    for await (const batch of batches)
      for (const { ctx, input: content } of batch) {
        packer.analyseHere = inFlight >= HELP_AT;
        packer.add(ctx, content);
        if (packer.length >= BATCH) await send({ kind: "batch", packed: packer.take(), stats: snapshot(stats) });
      }
    if (packer.length > 0) await send({ kind: "batch", packed: packer.take(), stats: snapshot(stats) });
    await send({ kind: "done", stats: snapshot(stats) });
  } catch (e: unknown) {
    const err = e as { message?: unknown; code?: unknown; name?: unknown };
    await send({ kind: "error", message: String(err.message ?? e), code: typeof err.code === "string" ? err.code : null, user: err.name === "UserError" });
  }
}

if (parentPort) await run(parentPort, workerData as WorkerInput);
