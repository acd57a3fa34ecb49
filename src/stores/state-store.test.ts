import { after } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStateStore } from "./file-state-store.ts";
import { MemoryStateStore } from "./memory-state-store.ts";
import { runStateStoreConformance } from "./state-store.case.ts";

const dir = mkdtempSync(join(tmpdir(), "moat-state-conformance-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStateStoreConformance("MemoryStateStore", () => new MemoryStateStore());
runStateStoreConformance("FileStateStore", () => FileStateStore.open(join(dir, `state-${n++}.jsonl`)));
runStateStoreConformance("FileStateStore (fsync always, compacting often)", () =>
  FileStateStore.open(join(dir, `state-${n++}.jsonl`), { fsync: "always", compactAfter: 3 }),
);
