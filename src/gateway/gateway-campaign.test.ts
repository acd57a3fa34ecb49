/**
 * A simulated hydra campaign replayed through the gateway with the real engine and the default policy,
 * beside legitimate users: once the campaign is detected its accounts are blocked or degraded mid-stream
 * (each gets at most a handful of useful exchanges: served in full, reasoning included) while every
 * legitimate user is untouched.
 * Event time drives the gateway's clock, so two days of traffic replay in seconds.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../core/engine/engine.ts";
import { createEnricher } from "../enrich/index.ts";
import type { AccountRecord, TrafficEvent } from "../core/model/traffic.ts";
import { runSimulate } from "../simulate/index.ts";
import { ADMIN_TOKEN, startHarness, type Harness } from "./testing/harness.ts";

const dir = mkdtempSync(join(tmpdir(), "moat-campaign-"));
const HANDFUL = 5;
let h: Harness;
let engine: Engine;
let clock = 0;
let events: Array<{ t: number; ev: TrafficEvent }> = [];
let labels: Record<string, string> = {};

before(async () => {
  writeFileSync(
    join(dir, "scenario.yaml"),
    `name: gateway-hydra
start: "2026-04-22T00:00:00.000Z"
days: 2
noise: { out_of_order: 0, bad_lines: 0 }
personas:
  - { kind: casual, accounts: 40, rate: 3 }
  - { kind: developer, accounts: 10, rate: 12 }
  - { kind: student, accounts: 20, courses: 1, rate: 10 }
campaigns:
  - name: hydra
    accounts: 80
    rate: 25
    targets: { reasoning: 0.7, coding: 0.3 }
    chat_share: 0.08
    cot_share: 0.85
    infra: { kind: residential_proxy, rotate: request }
    lifecycle: { signup: burst, batch_size: 20, lifetime_days: [0.5, 1.5] }
    payment: { mode: shared, accounts_per_card: 20 }
    email: generated
    waves: true
`,
  );
  await runSimulate({ scenario: join(dir, "scenario.yaml"), out: join(dir, "out"), seed: 3, progress: null });
  const read = (f: string) => readFileSync(join(dir, "out", f), "utf8").split("\n").filter((l) => l !== "");
  events = read("events.jsonl")
    .map((l) => JSON.parse(l) as TrafficEvent)
    .map((ev) => ({ t: Date.parse(ev.ts), ev }))
    .sort((a, b) => a.t - b.t);
  const accounts = read("accounts.jsonl").map((l) => JSON.parse(l) as AccountRecord);
  labels = JSON.parse(readFileSync(join(dir, "out", "labels.json"), "utf8")) as Record<string, string>;
  const keys = Object.fromEntries(accounts.map((a) => [`moat-sk-${a.account_id}`, { account_id: a.account_id }]));
  engine = new Engine({ enricher: createEnricher() });
  h = await startHarness({
    detection: engine,
    keys,
    accounts,
    mode: "enforce",
    now: () => clock,
    extra: { trustedProxies: ["127.0.0.1"] },
  });
});
after(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a replayed hydra campaign is contained after detection while legitimate users beside it are untouched", { timeout: 180_000 }, async () => {
  const statuses = new Map<string, Array<{ t: number; status: number; useful: boolean }>>();
  for (const { t, ev } of events) {
    clock = t;
    const anthropic = ev.endpoint === "/v1/messages";
    const key = `moat-sk-${ev.account_id}`;
    const r = await fetch(h.gw.url + (ev.endpoint ?? "/v1/messages"), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": ev.user_agent ?? "unknown",
        "x-forwarded-for": ev.ip ?? "127.0.0.1",
        ...(anthropic ? { "x-api-key": key, "anthropic-version": "2023-06-01" } : { authorization: `Bearer ${key}` }),
      },
      body: JSON.stringify(ev.request ?? { messages: [{ role: "user", content: ev.prompt ?? "" }] }),
    });
    await r.arrayBuffer();
    const d = h.decisions.at(-1);
    assert.equal(d?.account_id, ev.account_id, "one decision per exchange, in order");
    const list = statuses.get(ev.account_id) ?? [];
    list.push({ t, status: r.status, useful: r.status === 200 && d?.action !== "degrade" });
    statuses.set(ev.account_id, list);
  }
  const camps = await h.admin<{ campaigns: Array<{ campaign_id: string; accounts: string[]; detected_at: string }> }>("GET", "/admin/campaigns");
  const hydra = camps.body.campaigns.find((c) => c.accounts.some((a) => labels[a] === "attack:hydra"));
  assert.ok(hydra, "the hydra campaign is detected");
  const detectedAt = Date.parse(hydra.detected_at);

  let attackAccounts = 0;
  let cutMidStream = 0;
  let worstAfter = 0;
  let served = 0;
  let useful = 0;
  let attackTotal = 0;
  for (const [id, list] of statuses) {
    if (labels[id] === "attack:hydra") {
      attackAccounts++;
      attackTotal += list.length;
      served += list.filter((x) => x.status === 200).length;
      useful += list.filter((x) => x.useful).length;
      const usefulAfter = list.filter((x) => x.t >= detectedAt && x.useful).length;
      worstAfter = Math.max(worstAfter, usefulAfter);
      const first = list.findIndex((x) => x.useful);
      if (first >= 0 && list.slice(first).some((x) => !x.useful)) cutMidStream++;
    } else {
      const refused = list.filter((x) => x.status !== 200);
      assert.equal(refused.length, 0, `legitimate account ${id} (${labels[id]}) was refused ${refused.length} times`);
      const acct = await h.admin<{ decision: { action: string } | null }>("GET", `/admin/accounts/${id}`);
      assert.equal(acct.body.decision?.action, "allow", `legitimate account ${id} (${labels[id]}) has a non-allow decision`);
    }
  }
  assert.ok(worstAfter <= HANDFUL, `after detection each hydra account got at most ${HANDFUL} useful exchanges (worst: ${worstAfter})`);
  assert.ok(cutMidStream > 0, "some hydra accounts were served, then blocked or degraded mid-stream");
  assert.ok(useful / attackTotal < 0.2, `the campaign got ${useful} of ${attackTotal} exchanges served in full`);
  // Every campaign run of the live engine was timed, wherever it happened (request path, deferred batch, timer).
  const metrics = await fetch(`${h.gw.url}/admin/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.text());
  assert.ok(engine.runs() > 100, `two days of traffic on a 15-minute grid make many runs (got ${engine.runs()})`);
  assert.match(metrics, new RegExp(`^moat_campaign_run_seconds_count ${engine.runs()}$`, "m"));
  console.log(`hydra: ${attackAccounts} accounts, ${useful}/${attackTotal} exchanges useful (${served} answered 200), worst after detection ${worstAfter}, cut mid-stream ${cutMidStream}`);
});
