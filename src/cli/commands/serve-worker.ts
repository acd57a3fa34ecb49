/**
 * The gateway's thread (see serve.ts): runs `runServe` with the options the main thread passed, stops when
 * the main thread says "stop" (it gets the signals), and reports a start-up error back instead of throwing,
 * so the CLI prints it the same way as on the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runServe, type ServeOptions, type ServeWorkerMessage } from "./serve.ts";

async function run(port: NonNullable<typeof parentPort>, o: ServeOptions): Promise<void> {
  const stopped = new Promise<void>((resolve) => port.once("message", () => resolve()));
  try {
    await runServe(o, stopped);
  } catch (e: unknown) {
    const err = e as { message?: unknown; code?: unknown; name?: unknown };
    const m: ServeWorkerMessage = { kind: "error", message: String(err.message ?? e), code: typeof err.code === "string" ? err.code : null, user: err.name === "UserError" };
    port.postMessage(m);
  }
  // The "stop" listener would keep the thread alive.
  port.close();
}

if (parentPort) await run(parentPort, workerData as ServeOptions);
