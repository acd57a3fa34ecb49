/**
 * Runs ingest and per-request analysis on a worker thread (analyse-worker.ts) and yields the features in
 * log order, with live ingest stats for progress and the report. On 2 cores this overlaps the text analysis
 * (about half a scan's CPU) with the engine on the main thread.
 */
import { Worker } from "node:worker_threads";
import type { RequestFeatures } from "../core/features/request-features.ts";
import type { IngestStats } from "../ingest/index.ts";
import { UserError } from "../cli/user-error.ts";
import { FeatureUnpacker } from "./feature-batch.ts";
import type { PackedFeatures } from "./feature-batch.ts";

/**
 * Analysed exchanges in log order: `get(i)` for i = 0..length-1, in that order. The object `get` returns
 * may be reused by the next call: read it, do not keep it.
 */
export interface FeatureBatch {
  readonly length: number;
  get(i: number): RequestFeatures;
}

export interface WorkerInput {
  readonly sources: readonly string[];
  readonly reorderWindowMs?: number;
  readonly cwd: string;
}

export type WorkerMessage =
  | { readonly kind: "batch"; readonly packed: PackedFeatures; readonly stats: IngestStats }
  | { readonly kind: "done"; readonly stats: IngestStats }
  | { readonly kind: "error"; readonly message: string; readonly code: string | null; readonly user: boolean };

/**
 * Starts the worker at once (its start-up, about a second of module loading and the ASN table, overlaps
 * whatever the caller does before reading, such as loading the accounts file). `stats` is updated in place
 * as batches arrive. `close()` stops the worker if `batches` is never read to the end (it is idempotent).
 * Only for file sources analysed with the default enricher (the worker builds its own: functions cannot
 * cross threads).
 */
export function openAnalysed(sources: readonly string[], opts: { reorderWindowMs?: number } = {}): { batches: AsyncIterable<FeatureBatch>; stats: IngestStats; close(): Promise<void> } {
  const stats: IngestStats = { lines: 0, events: 0, badLines: 0, badReasons: {}, lateEvents: 0, bytesRead: 0, totalBytes: null };
  const input: WorkerInput = { sources, cwd: process.cwd(), ...(opts.reorderWindowMs !== undefined ? { reorderWindowMs: opts.reorderWindowMs } : {}) };
  // From the sources, the worker's entry loads tsx first (workers do not inherit the main thread's loader);
  // compiled, the worker is plain JavaScript.
  const entry = import.meta.url.endsWith(".ts") ? "./analyse-worker.mjs" : "./analyse-worker.js";
  const worker = new Worker(new URL(entry, import.meta.url), { workerData: input });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on("message", (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on("error", (e: Error) => {
    failure = e;
    wake?.();
  });
  worker.on("exit", (code) => {
    if (code !== 0 && failure === null) failure = new Error(`the analysis worker stopped with exit code ${code}`);
    wake?.();
  });
  let closed: Promise<number> | null = null;
  const close = async (): Promise<void> => {
    closed ??= worker.terminate();
    await closed;
  };
  async function* batches(): AsyncGenerator<FeatureBatch> {
    const unpacker = new FeatureUnpacker();
    try {
      while (true) {
        while (queue.length === 0) {
          if (failure) throw failure;
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
        const m = queue.shift()!;
        if (m.kind === "error") throw m.user ? new UserError(m.code ?? "INPUT", m.message) : new Error(m.message);
        Object.assign(stats, m.stats);
        if (m.kind === "done") return;
        worker.postMessage("ack");
        unpacker.load(m.packed);
        yield { length: m.packed.length, get: (i) => unpacker.get(i) };
      }
    } finally {
      await close();
    }
  }
  return { batches: batches(), stats, close };
}
