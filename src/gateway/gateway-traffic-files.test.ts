/**
 * The traffic log's background work on rotated files shows in the gateway's metrics: files gzipped
 * (`trafficLog.compress`), and syncs or compressions that failed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { TrafficLogWriter, listTrafficLogFiles } from "../stores/traffic-log.ts";
import { ScriptedDetection, startHarness } from "./testing/harness.ts";

test("files gzipped once rotated out are counted in the gateway's metrics, and the log reads back whole", async () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-gw-files-"));
  const log = TrafficLogWriter.open(dir, { maxBytes: 4096, compress: true });
  const h = await startHarness({ detection: new ScriptedDetection(), keys: { "moat-key-files-000": { account_id: "acct_files" } }, trafficLog: log, trafficLogFiles: () => log.stats() });
  try {
    const client = new OpenAI({ apiKey: "moat-key-files-000", baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 12; i++) await client.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: `question ${i}: ${"why is the sky blue? ".repeat(20)}` }] });
    await log.idle();
    const files = listTrafficLogFiles(dir);
    const gz = files.filter((f) => f.endsWith(".gz")).length;
    assert.ok(gz >= 2, `several files rotated out and compressed (${files.length} files)`);
    const metrics = (await h.admin<string>("GET", "/admin/metrics")).body;
    assert.match(metrics, new RegExp(`^moat_traffic_log_files_compressed_total ${gz}$`, "m"));
    assert.match(metrics, /^moat_traffic_log_compress_failures_total 0$/m);
    assert.match(metrics, /^moat_traffic_log_sync_failures_total 0$/m);
    const lines = files.flatMap((f) => (f.endsWith(".gz") ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString("utf8").split("\n").filter((l) => l !== ""));
    assert.equal(lines.length, 12, "every exchange is in the log once");
  } finally {
    await h.close();
    log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
