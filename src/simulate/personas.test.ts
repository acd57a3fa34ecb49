/**
 * The simulator's realism and hardness claims, checked on the quick preset (scaled down): legitimate
 * look-alikes really look alike, and campaigns show their tactics across accounts.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import type { AccountRecord, TrafficEvent } from "../core/model/traffic.ts";
import { createEnricher } from "../enrich/index.ts";
import { buildWorld } from "./build.ts";
import { allCatalogAsns } from "./net/asn-catalog.ts";
import { loadAsnRanges } from "./net/asn-ranges.ts";
import { IpPool } from "./net/ip-pool.ts";
import { PRESETS } from "./presets.ts";
import { parseScenario } from "./scenario.ts";
import { simulate } from "./simulator.ts";
import { BuiltinText } from "./text/builtin-text.ts";
import { COT_SUFFIXES } from "./text/cot.ts";
import type { Actor } from "./actors/actor.ts";

interface Group {
  readonly accounts: AccountRecord[];
  readonly actors: Actor[];
  readonly events: TrafficEvent[];
}
const groups = new Map<string, Group>();
let releaseAt = 0;

before(async () => {
  const scenario = parseScenario(PRESETS["quick"]);
  const ips = new IpPool(await loadAsnRanges(allCatalogAsns()));
  const world = buildWorld(scenario, { seed: 5, scale: 0.25, text: new BuiltinText(), ips });
  releaseAt = world.env.models.releaseAt;
  const byAccount = new Map<string, Group>();
  for (const a of world.actors) {
    let g = groups.get(a.label);
    if (g === undefined) {
      g = { accounts: [], actors: [], events: [] };
      groups.set(a.label, g);
    }
    g.accounts.push(a.account);
    g.actors.push(a);
    byAccount.set(a.account.account_id, g);
  }
  for (const w of simulate(world.actors, { start: world.env.start, end: world.env.end, outOfOrder: 0, badLines: 0, rng: world.rng })) {
    for (const line of w.lines) {
      const e = JSON.parse(line) as TrafficEvent;
      byAccount.get(e.account_id)?.events.push(e);
    }
  }
});

const group = (label: string): Group => {
  const g = groups.get(label);
  assert.ok(g !== undefined, `${label} exists`);
  return g;
};
const prefix24 = (ip: string) => ip.split(".").slice(0, 3).join(".");
const userText = (e: TrafficEvent): string => {
  const msgs = (e.request?.["messages"] ?? []) as { role: string; content: unknown }[];
  const first = msgs.find((m) => m.role === "user");
  const c = first?.content;
  return typeof c === "string" ? c : Array.isArray(c) ? ((c[0] as { text?: string }).text ?? "") : "";
};

test("students share a campus /24, sign up together and ask the same homework problems step by step", () => {
  const g = group("benign:student");
  const enricher = createEnricher();
  const campus = new Map<string, number>();
  for (const e of g.events) if (e.ip !== undefined) campus.set(prefix24(e.ip), (campus.get(prefix24(e.ip)) ?? 0) + 1);
  const top = [...campus.values()].sort((a, b) => b - a);
  // Two courses: their two campus /24s carry most of the traffic.
  assert.ok(((top[0] ?? 0) + (top[1] ?? 0)) / g.events.length > 0.55);
  const signups = g.accounts.map((a) => Date.parse(a.created_at ?? "")).sort((a, b) => a - b);
  assert.ok(signups.length >= 10);
  assert.ok(g.accounts.every((a) => a.tier === "education"));
  const stepByStep = g.events.filter((e) => /step by step|show your work/i.test(userText(e))).length;
  assert.ok(stepByStep / g.events.length > 0.3, `step-by-step share ${stepByStep / g.events.length}`);
  // Few distinct first questions: the problem set is shared across the class.
  const problems = new Set(g.events.map((e) => userText(e).split("\n").pop()?.slice(-60)));
  assert.ok(problems.size < g.events.length / 4);
  assert.ok(g.events.some((e) => e.ip !== undefined && enricher.ip(e.ip).asn !== null));
});

test("an enterprise's accounts share one org, one invoice and one NAT, through one internal app", () => {
  const g = group("benign:enterprise");
  assert.equal(new Set(g.accounts.map((a) => a.org_id)).size, 1);
  assert.equal(new Set(g.accounts.map((a) => a.payment_fingerprint)).size, 1);
  assert.ok(new Set(g.events.map((e) => e.ip)).size <= 2);
  assert.equal(new Set(g.events.map((e) => JSON.stringify(e.request?.["system"] ?? (e.request?.["messages"] as { content: unknown }[])[0]?.content))).size, 1);
});

test("a SaaS app is one account with high volume around the clock from a few cloud addresses", () => {
  const g = group("benign:saas");
  const enricher = createEnricher();
  for (const acct of g.accounts) {
    const evs = g.events.filter((e) => e.account_id === acct.account_id);
    assert.ok(evs.length / 3 > 300, `volume ${evs.length / 3}/day`);
    assert.equal(new Set(evs.map((e) => e.ts.slice(11, 13))).size, 24);
    const ips = new Set(evs.map((e) => e.ip ?? ""));
    assert.ok(ips.size <= 10);
    for (const ip of ips) assert.equal(enricher.ip(ip).netClass, "hosting");
  }
});

test("a benchmark run sends thousands of step-by-step problems within a few hours from a verified account", () => {
  const g = group("benign:benchmark");
  for (const acct of g.accounts) {
    assert.equal(acct.verified, true);
    const evs = g.events.filter((e) => e.account_id === acct.account_id && /step|reasoning/i.test(userText(e)));
    const hours = new Set(evs.map((e) => e.ts.slice(0, 13)));
    assert.ok(evs.length >= 500 && hours.size <= 7, `${evs.length} CoT requests over ${hours.size} hours`);
  }
});

test("privacy users come from VPN, Tor and Private Relay addresses that change between sessions", () => {
  const g = group("benign:privacy");
  const enricher = createEnricher();
  const classes = new Set(g.events.map((e) => enricher.ip(e.ip ?? "").netClass));
  assert.ok(classes.has("vpn"));
  assert.ok(new Set(g.events.map((e) => e.ip)).size > g.accounts.length);
  assert.ok(g.accounts.some((a) => /mailinator|guerrilla|10minute|temp-mail|yopmail|sharklasers/.test(a.email ?? a.email_domain ?? "")));
});

test("the hydra rotates proxies per request, signs up in bursts, shares cards, averages ~25 exchanges a day and switches model fast", () => {
  const g = group("attack:hydra-cot");
  assert.ok(new Set(g.events.map((e) => e.ip)).size > 0.95 * g.events.length);
  const cards = new Set(g.accounts.map((a) => a.payment_fingerprint));
  assert.ok(cards.size <= Math.ceil(g.accounts.length / 10));
  // Sign-up bursts: most accounts were created within 40 minutes of 9 others.
  const created = g.accounts.map((a) => Date.parse(a.created_at ?? "")).sort((a, b) => a - b);
  const clustered = created.filter((t) => created.filter((u) => Math.abs(u - t) < 40 * 60_000).length >= 10).length;
  assert.ok(clustered / created.length > 0.7);
  // Exchanges per account-day of activity (the threat model's ~25).
  const exposureDays = g.actors.reduce((s, a) => s + Math.max(0, a.to - a.from), 0) / 86_400_000;
  const perDay = g.events.length / exposureDays;
  assert.ok(perDay > 17 && perDay < 33, `per account-day ${perDay}`);
  // Chain-of-thought in more than one language.
  const nonEnglish = [...COT_SUFFIXES.zh, ...COT_SUFFIXES.ru, ...COT_SUFFIXES.es];
  assert.ok(g.events.some((e) => nonEnglish.some((s) => userText(e).includes(s))));
  // Rejection sampling: some prompts sent more than once.
  const texts = new Map<string, number>();
  for (const e of g.events) texts.set(userText(e), (texts.get(userText(e)) ?? 0) + 1);
  assert.ok([...texts.values()].some((n) => n > 1));
  const day = 86_400_000;
  const after = g.events.filter((e) => Date.parse(e.ts) > releaseAt + 8 * 3_600_000 && Date.parse(e.ts) < releaseAt + day);
  const newShare = after.filter((e) => e.model === "claude-sonnet-5").length / after.length;
  assert.ok(newShare > 0.35 && newShare < 0.65, `new-model share ${newShare}`);
  const casual = group("benign:casual").events.filter((e) => Date.parse(e.ts) > releaseAt && Date.parse(e.ts) < releaseAt + day);
  assert.ok(casual.filter((e) => e.model === "claude-sonnet-5").length / casual.length < 0.1);
});

test("low-and-slow accounts are aged, keep one home address and their own card, send few requests and mix in chat", () => {
  const g = group("attack:slow-instruct");
  const enricher = createEnricher();
  for (const a of g.accounts) {
    assert.ok(Date.parse(a.created_at ?? "") < Date.parse("2026-04-22T00:00:00Z") - 30 * 86_400_000);
    const evs = g.events.filter((e) => e.account_id === a.account_id);
    assert.ok(new Set(evs.map((e) => e.ip)).size <= 1);
    assert.ok(evs.length / 3 < 40);
    if (evs[0]?.ip !== undefined) assert.equal(enricher.ip(evs[0].ip).netClass, "residential");
  }
  assert.equal(new Set(g.accounts.map((a) => a.payment_fingerprint)).size, g.accounts.length);
  const chat = g.events.filter((e) => !/instruction|task|prompt|question|request|problem|step|reason/i.test(userText(e))).length;
  assert.ok(chat / g.events.length > 0.12, `chat share ${chat / g.events.length}`);
});

test("the data-centre campaign runs multi-turn tool loops from hosting addresses", () => {
  const g = group("attack:dc-agentic");
  const enricher = createEnricher();
  const loops = g.events.filter((e) => ((e.request?.["messages"] ?? []) as unknown[]).length > 2 && e.request?.["tools"] !== undefined);
  assert.ok(loops.length / g.events.length > 0.5);
  assert.ok(g.events.every((e) => enricher.ip(e.ip ?? "").netClass === "hosting"));
});
