/**
 * What an exchange in flight keeps alive: its body's bytes (for the log line), not the object graph parsed
 * from them. A stream can last minutes; a parsed body of many small objects takes ~20 times the bytes the
 * body budget counts, and it would be copied by every young-generation collection while it lives.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ANTHROPIC_PROVIDER_KEY, ScriptedDetection, startHarness } from "./testing/harness.ts";
import type { TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";

/** Remembers the parsed request bodies it was given, weakly. */
class WatchingDetection extends ScriptedDetection {
  readonly seen: Array<WeakRef<object>> = [];
  override observe(ev: TimedEvent): Assessment {
    if (ev.event.request) this.seen.push(new WeakRef(ev.event.request));
    return super.observe(ev);
  }
}

function fullGc(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  setFlagsFromString("--no-expose-gc");
  gc();
  gc();
}

test("while its answer is pending, an exchange holds no parsed body (UTF-8 body and not)", async () => {
  // An upstream that holds every answer until the test lets it go.
  const waiting: http.ServerResponse[] = [];
  const arrived = new http.Server();
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      waiting.push(res);
      arrived.emit("request");
    });
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const detection = new WatchingDetection();
  const key = "moat-sk-retention-0";
  const h = await startHarness({ detection, keys: { [key]: { account_id: "acct_r" } }, extra: { upstreams: { anthropic: { url, apiKey: ANTHROPIC_PROVIDER_KEY } } } });
  try {
    const many = Array.from({ length: 2000 }, (_, i) => ({ i }));
    const utf8 = Buffer.from(JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hello" }], metadata: { many } }));
    // A lone 0xff inside a string: not UTF-8, so the log line gets the re-serialised JSON instead.
    const notUtf8 = Buffer.concat([Buffer.from('{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"caf'), Buffer.from([0xff]), Buffer.from('"}]}')]);
    const answers = [utf8, notUtf8].map((body) =>
      fetch(h.gw.url + "/v1/messages", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body }),
    );
    while (waiting.length < 2) await once(arrived, "request");
    fullGc();
    assert.equal(detection.seen.length, 2);
    assert.deepEqual(
      detection.seen.map((w) => w.deref() === undefined),
      [true, true],
      "the parsed bodies are collectable while the answers are pending",
    );
    for (const res of waiting) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "msg_1", type: "message", role: "assistant", content: [{ type: "text", text: "hi" }], usage: { input_tokens: 3, output_tokens: 1 } }));
    }
    for (const a of await Promise.all(answers)) {
      assert.equal(a.status, 200);
      await a.text();
    }
    assert.equal(h.log.length, 2, "both exchanges were logged");
    const logged = h.logBodies.map((b) => b?.toString("utf8") ?? "");
    assert.ok(logged.some((b) => b.includes('"content":"caf\ufffd"')), "the non-UTF-8 body is logged as the JSON moat parsed");
  } finally {
    await h.close();
    upstream.close();
  }
});
