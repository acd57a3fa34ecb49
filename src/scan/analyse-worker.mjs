// Worker entry: runs the TypeScript worker through tsx (workers do not inherit the main thread's loader).
import { register } from "tsx/esm/api";
register();
await import("./analyse-worker.ts");
