import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_NUM_HASHES, jaccardEstimate, lshBandHashes, lshBands, minhash } from "./minhash.ts";
import { hash32 } from "./hash.ts";

/** Deterministic pseudo-random words (LCG) so the test is reproducible. */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function words(rng: () => number, n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `${tag}${i}q${Math.floor(rng() * 1e9).toString(36)}`);
}

/** Exact Jaccard of word 3-shingle sets (the quantity MinHash estimates). */
function trueJaccard(a: string, b: string): number {
  const sh = (t: string): Set<string> => {
    const w = t.split(" ");
    const out = new Set<string>();
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3).join(" "));
    return out;
  };
  const sa = sh(a);
  const sb = sh(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

test("estimates the true Jaccard similarity without bias and within sampling error", () => {
  const rng = makeRng(42);
  for (const k of [32, 128]) {
    let absErr = 0;
    let bias = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const common = words(rng, 20 + Math.floor(rng() * 60), "c");
      const a = [...common, ...words(rng, Math.floor(rng() * 40), "a")].join(" ");
      const b = [...common, ...words(rng, Math.floor(rng() * 40), "b")].join(" ");
      const err = jaccardEstimate(minhash(a, k), minhash(b, k)) - trueJaccard(a, b);
      absErr += Math.abs(err);
      bias += err;
    }
    // Binomial standard deviation at J = 0.5 is sqrt(0.25 / k): 0.088 for 32, 0.044 for 128.
    assert.ok(absErr / trials < Math.sqrt(0.25 / k), `k=${k} mean abs error ${absErr / trials}`);
    assert.ok(Math.abs(bias / trials) < 0.02, `k=${k} bias ${bias / trials}`);
  }
});

test("gives identical texts identical signatures and unrelated texts near-zero similarity", () => {
  const rng = makeRng(7);
  const a = words(rng, 50, "x").join(" ");
  const b = words(rng, 50, "y").join(" ");
  assert.deepEqual(minhash(a), minhash(a));
  assert.equal(jaccardEstimate(minhash(a), minhash(a)), 1);
  assert.ok(jaccardEstimate(minhash(a, 128), minhash(b, 128)) < 0.05);
});

test("is case-insensitive, splits CJK characters and uses a fixed default length", () => {
  assert.equal(minhash("x").length, DEFAULT_NUM_HASHES);
  assert.equal(minhash("x", 64).length, 64);
  assert.deepEqual(minhash("The Quick Brown Fox"), minhash("the quick brown fox"));
  // Character 3-shingles: 10 shared of 17 in all (J = 0.59).
  const zh1 = minhash("请一步一步地思考这个问题然后回答", 128);
  const zh2 = minhash("请一步一步地思考这个问题再回答", 128);
  const j = jaccardEstimate(zh1, zh2);
  assert.ok(j > 0.4 && j < 0.8, `${j}`);
});

test("empty text gets an all-max signature", () => {
  assert.ok(minhash("").every((v) => v === 0xffffffff));
});

test("makes band keys that near-duplicates share and unrelated texts do not", () => {
  const rng = makeRng(3);
  const base = words(rng, 80, "w");
  const near = [...base];
  near[40] = "changed";
  const far = words(rng, 80, "z");
  const sig = minhash(base.join(" "));
  const keys = lshBands(sig, 8);
  assert.equal(keys.length, 8);
  assert.match(keys[3] ?? "", /^b3:[0-9a-f]{16}$/);
  assert.deepEqual(lshBands(minhash(base.join(" ")), 8), keys);
  const nearKeys = new Set(lshBands(minhash(near.join(" ")), 8));
  assert.ok(keys.some((k) => nearKeys.has(k)), "near-duplicate shares a band");
  const farKeys = new Set(lshBands(minhash(far.join(" ")), 8));
  assert.ok(!keys.some((k) => farKeys.has(k)), "unrelated text shares no band");
});

test("lshBandHashes equals hash32 of each lshBands key, for one- and two-digit band numbers", () => {
  const rng = makeRng(7);
  for (const [k, bands] of [[32, 4], [32, 8], [128, 16], [256, 32], [3, 7]] as const) {
    for (let t = 0; t < 20; t++) {
      const sig = minhash(words(rng, 5 + t, "w").join(" "), k);
      assert.deepEqual(lshBandHashes(sig, bands), lshBands(sig, bands).map((key) => hash32(key)));
    }
  }
});
