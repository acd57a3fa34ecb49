import { readFileSync } from "node:fs";
import { analyseContent, contentInput } from "./src/core/features/request-features.ts";
import { viewPrompt } from "./src/core/text/index.ts";
const P = ["Summarise the following meeting notes in three bullet points", "Write a SQL query that returns the top customers by revenue", "Translate this paragraph into French", "What is the capital of Australia and why is it not Sydney?", "Explain the difference between TCP and UDP", "Draft a polite reply declining the invitation"];
const bench = Array.from({ length: 20000 }, (_, i) => contentInput(viewPrompt({ messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: `${P[i % 6]} (request ${i} of batch 7, ref ${(i * 2654435761) % 100000})` }] }, undefined)));
const lines = readFileSync("/tmp/q/events.jsonl", "utf8").split("\n", 40000).filter(Boolean);
const seen = new Set<string>();
const sim = [];
for (const l of lines) { let e; try { e = JSON.parse(l); } catch { continue; } if (!e || typeof e !== "object") continue; const ci = contentInput(viewPrompt(e.request, e.prompt)); const k = ci.system + "\u0000" + ci.lastUser; if (seen.has(k)) continue; seen.add(k); sim.push(ci); }
for (const [name, set] of [["bench", bench], ["sim-unique", sim]] as const) {
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let x = 0;
    for (const ci of set) x += analyseContent(ci).skeletonHash & 1;
    const us = ((performance.now() - t) / set.length) * 1000;
    if (r === 2) console.log(`${name}: ${set.length} inputs, ${us.toFixed(2)} µs each, avg chars ${(set.reduce((s, c) => s + c.system.length + c.lastUser.length, 0) / set.length).toFixed(0)}`);
  }
}
