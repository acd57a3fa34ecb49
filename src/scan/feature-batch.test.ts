import { test } from "node:test";
import assert from "node:assert/strict";
import { ContentIds, FeaturePacker, FeatureUnpacker, transfer } from "./feature-batch.ts";
import type { PackedFeatures } from "./feature-batch.ts";
import { analyseContent } from "../core/features/request-features.ts";
import { hash32 } from "../core/text/index.ts";
import type { ContentInput, ContextFeatures, RequestFeatures } from "../core/features/request-features.ts";

const INPUTS: readonly ContentInput[] = [
  { system: "", lastUser: "Let's think step by step: how many apples are left if I eat 3 of 7?", toolsDefined: false, toolTurns: false },
  { system: "You are an autonomous agent.", lastUser: "Fix the failing test in src/app.py", toolsDefined: true, toolTurns: true },
  { system: "Be brief.", lastUser: "", toolsDefined: false, toolTurns: true },
  { system: "", lastUser: "Write a python function that reverses a list.", toolsDefined: true, toolTurns: false },
];

function context(i: number): ContextFeatures {
  const full = i % 2 === 0;
  return {
    t: 1_776_816_000_000 + i * 1234,
    accountId: `acct_${i % 3}`,
    paramFp: `fp${i % 2}`,
    model: full ? "model-a" : null,
    ip: full ? "203.0.113.7" : null,
    ipHash: full ? 4294967295 : 0,
    ipPrefix: full ? "203.0.113.0/24" : null,
    asn: full ? 64500 : null,
    netClass: full ? "hosting" : "unknown",
    turns: i,
    agenticLoop: !full,
    maxTokens: full ? 16000 : null,
    thinkingBudget: full ? 0.5 : null,
  };
}

/** Exchange i: context i and one of the inputs, repeating. */
function expected(i: number): RequestFeatures {
  return { ...context(i), ...analyseContent(INPUTS[(i * 7) % INPUTS.length]!) };
}

function roundTrip(packer: FeaturePacker, unpacker: FeatureUnpacker, from: number, to: number): void {
  for (let i = from; i < to; i++) packer.add(context(i), INPUTS[(i * 7) % INPUTS.length]!);
  const packed = packer.take();
  assert.equal(transfer(packed).length, 10);
  unpacker.load(structuredClone(packed));
  for (let i = 0; i < to - from; i++) assert.deepEqual({ ...unpacker.get(i) }, expected(from + i));
}

test("packed exchanges read back equal to the in-process analysis, batch after batch, after a trip through structured clone", () => {
  const packer = new FeaturePacker();
  const unpacker = new FeatureUnpacker();
  for (const [from, to] of [[0, 5], [5, 6], [6, 40]] as const) roundTrip(packer, unpacker, from, to);
});

test("content analysed by the sender reads back the same as content analysed by the receiver", () => {
  const packer = new FeaturePacker();
  const unpacker = new FeatureUnpacker();
  for (const [from, to] of [[0, 3], [3, 9], [9, 40]] as const) {
    packer.analyseHere = from % 2 === 0;
    roundTrip(packer, unpacker, from, to);
  }
  packer.analyseHere = true;
  for (let i = 0; i < 4; i++) packer.add(context(i), { ...INPUTS[i]!, lastUser: `${INPUTS[i]!.lastUser} (new)` });
  const packed = packer.take();
  assert.equal(packed.newIds.length, 0, "no text crosses when the sender analyses");
  assert.equal(packed.doneIds.length, 4);
});

test("each distinct content crosses once: later exchanges with the same content carry only its number", () => {
  const packer = new FeaturePacker();
  for (let i = 0; i < 40; i++) packer.add(context(i), INPUTS[i % INPUTS.length]!);
  const first = packer.take();
  assert.equal(first.newIds.length, INPUTS.length);
  for (let i = 0; i < 40; i++) packer.add(context(i), INPUTS[i % INPUTS.length]!);
  assert.equal(packer.take().newIds.length, 0);
});

test("parameter fingerprints, prefixes and network classes cross once each, and a full table restarts on both sides", () => {
  const packer = new FeaturePacker(new ContentIds(), 4);
  const unpacker = new FeatureUnpacker();
  const input = (i: number): ContentInput => INPUTS[(i * 7) % INPUTS.length]!;
  for (let i = 0; i < 4; i++) packer.add(context(i), input(i));
  const first = packer.take();
  // fp0, fp1, the prefix, "hosting", "unknown"
  assert.deepEqual([...first.newShared].sort(), ["203.0.113.0/24", "fp0", "fp1", "hosting", "unknown"]);
  assert.equal(first.resetShared, false);
  unpacker.load(structuredClone(first));
  for (let i = 0; i < 4; i++) assert.deepEqual({ ...unpacker.get(i) }, expected(i));
  // Past 4 strings: the next batch starts a new table and says so; the one after sends nothing new.
  for (let i = 4; i < 6; i++) packer.add(context(i), input(i));
  const second = packer.take();
  assert.equal(second.resetShared, true);
  unpacker.load(structuredClone(second));
  for (let i = 0; i < 2; i++) assert.deepEqual({ ...unpacker.get(i) }, expected(4 + i));
  for (let i = 6; i < 8; i++) packer.add(context(i), input(i));
  const third = packer.take();
  assert.equal(third.resetShared, true, "the second batch filled the small table again");
  assert.equal(third.newShared.length, second.newShared.length);
  unpacker.load(structuredClone(third));
  for (let i = 0; i < 2; i++) assert.deepEqual({ ...unpacker.get(i) }, expected(6 + i));
  const big = new FeaturePacker();
  for (let i = 0; i < 4; i++) big.add(context(i), input(i));
  big.take();
  for (let i = 0; i < 4; i++) big.add(context(i), input(i));
  assert.equal(big.take().newShared.length, 0, "strings already sent are not sent again");
});

test("with a content table too small for the traffic, features stay exact and the receiver forgets what the sender dropped", () => {
  const packer = new FeaturePacker(new ContentIds(150));
  const unpacker = new FeatureUnpacker();
  for (let k = 0; k < 10; k++) roundTrip(packer, unpacker, k * 7, k * 7 + 7);
  assert.ok(unpacker.contentsHeld <= INPUTS.length + 7, `held ${unpacker.contentsHeld}`);
});

test("the content id table stays within its character bound and reports every id it lets go", () => {
  const ids = new ContentIds(1000);
  const given = new Set<number>();
  const input = (i: number): ContentInput => ({ system: i % 3 === 0 ? "sys" : "", lastUser: `text number ${i}`, toolsDefined: i % 2 === 0, toolTurns: false });
  for (let i = 0; i < 5000; i++) given.add(ids.idOf(input(i)));
  assert.equal(given.size, 5000, "ids are never reused");
  const dropped = ids.takeDropped();
  assert.ok(ids.size <= 1000 / 13 + 1, `held ${ids.size}`);
  assert.equal(dropped.length + ids.size, 5000, "every id is either held or reported dropped");
  assert.deepEqual(ids.takeDropped(), []);
});

test("content ids tell apart what the analysis tells apart: the system/user split and the tool flags", () => {
  const ids = new ContentIds();
  const base: ContentInput = { system: "sys", lastUser: "x", toolsDefined: false, toolTurns: false };
  const a = ids.idOf(base);
  assert.equal(ids.isNew, true);
  assert.equal(ids.idOf({ ...base, systemHash: hash32("sys") }), a, "a given system hash is the one it would compute");
  assert.equal(ids.isNew, false);
  const others = [{ ...base, system: "", lastUser: "sysx" }, { ...base, system: "sysx", lastUser: "" }, { ...base, toolsDefined: true }, { ...base, toolTurns: true }];
  const got = new Set(others.map((o) => ids.idOf(o)));
  assert.equal(got.size, 4);
  assert.ok(!got.has(a));
});

test("contents whose hashes collide still get their own ids, and keep them", () => {
  const ids = new ContentIds();
  // A wrong system hash stands in for a collision: both inputs land on one hash and are told apart by their texts.
  const x: ContentInput = { system: "one", lastUser: "q", toolsDefined: false, toolTurns: false, systemHash: 7 };
  const y: ContentInput = { ...x, system: "two" };
  const ix = ids.idOf(x);
  const iy = ids.idOf(y);
  assert.notEqual(ix, iy);
  assert.equal(ids.idOf(x), ix);
  assert.equal(ids.idOf(y), iy);
  assert.equal(ids.size, 2);
});

test("colliding contents keep their ids across generations, whichever link of the chain they are", () => {
  // One forced hash for all (a wrong system hash), 10 characters each: a generation (60 characters) holds six,
  // so the seventh moves the first six to the old generation as one chain.
  const ids = new ContentIds(120);
  const input = (i: number): ContentInput => ({ system: `sys${i}`, lastUser: "q".repeat(5), toolsDefined: false, toolTurns: false, systemHash: 7 });
  const first = Array.from({ length: 7 }, (_, i) => ids.idOf(input(i)));
  assert.equal(new Set(first).size, 7);
  assert.equal(ids.size, 7);
  // The middle of the old chain, then its head and tail, come back with their ids (and move to the young generation).
  for (const i of [2, 4, 0]) {
    assert.equal(ids.idOf(input(i)), first[i]);
    assert.equal(ids.isNew, false);
  }
  assert.equal(ids.idOf(input(1)), first[1]);
  assert.equal(ids.idOf(input(3)), first[3]);
  assert.deepEqual(ids.takeDropped(), [], "nothing was let go while both generations had room");
  // The young generation is full again (6, 2, 4, 0, 1, 3): one more drops the old one, which holds only 5 now.
  ids.idOf(input(7));
  assert.deepEqual(ids.takeDropped(), [first[5]], "ids that moved back to the young generation are not let go");
});

test("exchanges are read in order: a skipped one is an error, not a silent mix-up", () => {
  const packer = new FeaturePacker();
  for (let i = 0; i < 3; i++) packer.add(context(i), INPUTS[0]!);
  const unpacker = new FeatureUnpacker();
  unpacker.load(packer.take());
  unpacker.get(0);
  assert.throws(() => unpacker.get(2), /in order/);
});

test("a content number the receiver never got is an error, not made-up features", () => {
  const packer = new FeaturePacker();
  packer.add(context(0), INPUTS[0]!);
  const packed: PackedFeatures = { ...packer.take(), newIds: new Uint32Array(0), newFlags: new Uint8Array(0), newTexts: [] };
  const unpacker = new FeatureUnpacker();
  unpacker.load(packed);
  assert.throws(() => unpacker.get(0), /never sent/);
});
