import { test } from "node:test";
import assert from "node:assert/strict";
import { FeaturePacker, FeatureUnpacker, transfer } from "./feature-batch.ts";
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

test("packed features read back equal to the originals, across batches that share the string table", () => {
  const packer = new FeaturePacker();
  const unpacker = new FeatureUnpacker();
  for (const [from, to] of [[0, 5], [5, 6], [6, 12]] as const) {
    const originals = Array.from({ length: to - from }, (_, k) => features(from + k));
    const packed = structuredClone(packer.pack(originals));
    unpacker.load(packed);
    for (let i = 0; i < originals.length; i++) {
      const f = unpacker.get(i);
      assert.deepEqual({ ...f, templateBands: [...f.templateBands], cotCues: [...f.cotCues] }, originals[i]);
    }
  }
});

test("a full string table is started afresh on both sides without changing what is read", () => {
  const packer = new FeaturePacker(4);
  const unpacker = new FeatureUnpacker();
  let resets = 0;
  for (let b = 0; b < 6; b++) {
    const originals = [features(b * 2), features(b * 2 + 1)].map((f, k) => ({ ...f, accountId: `acct_${b}_${k}` }));
    const packed = packer.pack(originals);
    if (packed.reset) resets++;
    unpacker.load(packed);
    for (let i = 0; i < originals.length; i++) assert.equal(unpacker.get(i).accountId, originals[i]!.accountId);
  }
  assert.ok(resets >= 2);
});

test("a string crosses once: later batches carry only strings the receiver has not seen", () => {
  const packer = new FeaturePacker();
  const first = packer.pack([features(0), features(2)]);
  const second = packer.pack([features(0), features(2)]);
  assert.ok(first.strings.includes("acct_0"));
  assert.deepEqual(second.strings, []);
  assert.equal(transfer(second).length, 4);
});
