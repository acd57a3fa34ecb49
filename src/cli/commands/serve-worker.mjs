// Worker entry of `moat serve`: runs the TypeScript through tsx (workers do not inherit the main thread's loader).
import { register } from "tsx/esm/api";
register();
await import("./serve-worker.ts");
