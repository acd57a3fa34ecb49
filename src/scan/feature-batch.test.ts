import { test } from "node:test";
import assert from "node:assert/strict";
import { FeatureUnpacker, packFeatures, transfer } from "./feature-batch.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";

function features(i: number): RequestFeatures {
  const full = i % 2 === 0;
  return {
    t: 1_776_816_000_000 + i * 1234,
    accountId: `acct_${i % 3}`,
    cot: full ? 0.75 : 0,
    cotCues: full ? ["step_by_step", "show_work"] : [],
    category: full ? "reasoning" : "other",
    skeletonHash: (0xdeadbeef + i) >>> 0,
    templateBands: full ? [1, 4294967296 + 7, 2 * 4294967296 + 4294967295, 3 * 4294967296] : [5],
    problemHash: (i * 2654435761) >>> 0,
    paramFp: `fp${i % 2}`,
    model: full ? "model-a" : null,
    ip: full ? "203.0.113.7" : null,
    ipHash: full ? 4294967295 : 0,
    ipPrefix: full ? "203.0.113.0/24" : null,
    asn: full ? 64500 : null,
    netClass: full ? "hosting" : "unknown",
    client: full ? "openai-python/1.2" : "unknown",
    userAgent: full ? "OpenAI/Python 1.2" : null,
    turns: i,
    agenticLoop: !full,
    maxTokens: full ? 16000 : null,
    thinkingBudget: full ? 0.5 : null,
  };
}

test("packed features read back equal to the originals, batch after batch, after a trip through structured clone", () => {
  const unpacker = new FeatureUnpacker();
  for (const [from, to] of [[0, 5], [5, 6], [6, 12]] as const) {
    const originals = Array.from({ length: to - from }, (_, k) => features(from + k));
    const packed = packFeatures(originals);
    assert.equal(transfer(packed).length, 3);
    const received = structuredClone(packed);
    unpacker.load(received);
    for (let i = 0; i < originals.length; i++) {
      const f = unpacker.get(i);
      assert.deepEqual({ ...f, templateBands: [...f.templateBands], cotCues: [...f.cotCues] }, originals[i]);
    }
  }
});

test("exchanges are read in order: a skipped one is an error, not a silent mix-up of template bands", () => {
  const unpacker = new FeatureUnpacker();
  unpacker.load(packFeatures([features(0), features(1), features(2)]));
  unpacker.get(0);
  assert.throws(() => unpacker.get(2), /in order/);
});
