import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "./engine.ts";
import { buildReport } from "./report.ts";
import { MemoryEnricher } from "../ports/memory-enricher.ts";
import { miniWorld } from "../testing/mini-traffic.ts";
import type { MiniWorld } from "../testing/mini-traffic.ts";
import type { ScanReport } from "../model/report.ts";

function scan(world: MiniWorld, until = Number.POSITIVE_INFINITY): ScanReport {
  const engine = new Engine({ enricher: new MemoryEnricher(undefined, { "mailbox.example": "disposable", "gmail.com": "free", "uni.edu": "education" }) });
  for (const a of world.accounts) engine.upsertAccount(a);
  let n = 0;
  for (const ev of world.events) {
    if (ev.t > until) break;
    engine.observe(ev);
    n++;
  }
  return buildReport(engine, { events: n, accounts: world.accounts.length, bad_lines: 0, from: null, to: null }, "2026-05-01T00:00:00.000Z", { all: true });
}

const world = miniWorld();
const full = scan(world);
const verdictOf = (id: string): string => full.accounts.find((a) => a.account_id === id)?.verdict ?? "benign";
const ids = (prefix: string): string[] => Object.keys(world.labels).filter((id) => id.startsWith(prefix));

test("a hydra campaign's accounts come out as extraction", () => {
  const hydra = ids("hyd_");
  const caught = hydra.filter((id) => verdictOf(id) === "extraction");
  assert.ok(caught.length >= 0.9 * hydra.length, `caught ${caught.length} of ${hydra.length}`);
});

test("ordinary users and students are never extraction", () => {
  const legit = [...ids("usr_"), ...ids("stu_")];
  const fp = legit.filter((id) => verdictOf(id) === "extraction");
  assert.deepEqual(fp, []);
});

test("the campaign is found as one campaign holding most of its accounts", () => {
  const hydra = new Set(ids("hyd_"));
  const best = full.campaigns.map((c) => ({ c, hits: c.accounts.filter((a) => hydra.has(a)).length })).sort((a, b) => b.hits - a.hits)[0];
  assert.ok(best, "no campaign found");
  assert.ok(best.hits >= 0.8 * hydra.size, `largest campaign holds ${best.hits} hydra accounts`);
  assert.equal(best.c.accounts.filter((a) => !hydra.has(a)).length, 0, "campaign includes legitimate accounts");
  assert.ok(best.c.reasons.length > 0 && best.c.reasons.every((r) => r.code.length > 0 && r.detail.length > 0));
  assert.ok(best.c.targets.reasoning > 0.5, "targets reasoning");
});

test("every flagged account carries reasons with stable codes", () => {
  for (const a of full.accounts.filter((x) => x.verdict !== "benign")) {
    assert.ok(a.reasons.length > 0, a.account_id);
    for (const r of a.reasons) assert.match(r.code, /^[a-z_]+$/);
  }
});

test("truncating the log at T leaves every flagged_at <= T unchanged (causality)", () => {
  const times = world.events.map((e) => e.t);
  const T = times[Math.floor(times.length * 0.55)]!;
  const cut = scan(world, T);
  const at = (r: ScanReport, id: string, f: "flagged_at" | "extraction_at"): string | null => r.accounts.find((a) => a.account_id === id)?.[f] ?? null;
  let checked = 0;
  for (const a of full.accounts) {
    for (const f of ["flagged_at", "extraction_at"] as const) {
      const v = a[f];
      if (v !== null && Date.parse(v) <= T) {
        assert.equal(at(cut, a.account_id, f), v, `${a.account_id} ${f}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 10, `only ${checked} flag times before T`);
});

test("a brand-new account of a known campaign is attached on its first exchange (fast path)", () => {
  const engine = new Engine({ enricher: new MemoryEnricher(undefined, { "mailbox.example": "disposable" }) });
  for (const a of world.accounts) engine.upsertAccount(a);
  for (const ev of world.events) engine.observe(ev);
  const campaign = engine.campaigns()[0];
  assert.ok(campaign, "campaign found");
  const last = world.events[world.events.length - 1]!;
  const template = world.events.find((e) => e.event.account_id === "hyd_0")!.event;
  const t = last.t + 60_000;
  // Same card and the same client set-up and template as the campaign, fresh e-mail, unseen IP.
  engine.upsertAccount({ account_id: "hyd_new", created_at: new Date(t - 120_000).toISOString(), email: "user55555@mailbox.example", payment_fingerprint: "pm_h2" });
  const first = engine.observe({ t, event: { ...template, ts: new Date(t).toISOString(), account_id: "hyd_new", ip: "198.51.100.250" } });
  assert.equal(first.exchanges, 1);
  assert.equal(first.campaignId, campaign.campaignId);
  assert.equal(first.verdict, "extraction");
  assert.ok(first.reasons.some((r) => r.code === "campaign_member"));
});

test("a new account that only shares a campaign's prompt wording is not attached", () => {
  const engine = new Engine({ enricher: new MemoryEnricher() });
  for (const a of world.accounts) engine.upsertAccount(a);
  for (const ev of world.events) engine.observe(ev);
  const last = world.events[world.events.length - 1]!;
  const template = world.events.find((e) => e.event.account_id === "hyd_0")!.event;
  const t = last.t + 60_000;
  engine.upsertAccount({ account_id: "someone", created_at: "2025-01-01T00:00:00.000Z", email: "someone@gmail.com", payment_fingerprint: "pm_own", verified: true });
  const a = engine.observe({ t, event: { ...template, ts: new Date(t).toISOString(), account_id: "someone", ip: "203.0.113.77", user_agent: "Mozilla/5.0 Safari" } });
  assert.equal(a.campaignId, null);
  assert.notEqual(a.verdict, "extraction");
});

test("a low-and-slow campaign linked only by the problem set it splits is found as its own campaign, and its accounts come out as extraction", () => {
  const w = miniWorld(11, 40, 300, 20, 3, 30);
  const report = scan(w);
  const verdict = (id: string): string => report.accounts.find((a) => a.account_id === id)?.verdict ?? "benign";
  const of = (prefix: string): string[] => Object.keys(w.labels).filter((id) => id.startsWith(prefix));
  const slow = of("slw_");
  const caught = slow.filter((id) => verdict(id) === "extraction");
  assert.ok(caught.length >= 0.9 * slow.length, `caught ${caught.length} of ${slow.length}`);
  const legit = [...of("usr_"), ...of("stu_")].filter((id) => verdict(id) === "extraction");
  assert.deepEqual(legit, []);
  // Its own campaign: the hydra accounts that borrowed its template stay in theirs.
  const home = report.campaigns.find((c) => c.accounts.filter((id) => id.startsWith("slw_")).length >= 0.9 * slow.length);
  assert.ok(home, "no campaign holds the slow accounts");
  assert.ok(home.accounts.every((id) => id.startsWith("slw_")), `mixed campaign: ${home.accounts.filter((id) => !id.startsWith("slw_")).join(", ")}`);
  assert.ok(home.reasons.some((r) => r.code === "template_sweep"), "the campaign's reasons do not name the template sweep");
});
