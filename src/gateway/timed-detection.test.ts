import { test } from "node:test";
import assert from "node:assert/strict";
import type { Assessment, CampaignView } from "../core/engine/types.ts";
import type { AccountRecord, TimedEvent } from "../core/model/traffic.ts";
import { Pauses } from "./metrics.ts";
import { timeCampaignRuns } from "./timed-detection.ts";

const benign = (accountId: string): Assessment => ({ accountId, verdict: "benign", score: 0, campaignId: null, campaignScore: 0, ownScore: 0, ownVerdict: "benign", reasons: [], exchanges: 0, flaggedAt: null, extractionAt: null });
const ev = (t: number): TimedEvent => ({ t, event: { ts: new Date(t).toISOString(), account_id: "a", prompt: "hi" } });

/** A fake engine that makes a campaign run whenever its clock crosses a multiple of 10. */
class GridFake {
  clock = 0;
  private done = 0;
  readonly upserts: string[] = [];
  observe(e: TimedEvent): Assessment {
    this.advance(e.t);
    return benign(e.event.account_id);
  }
  advance(t: number): void {
    if (Math.floor(t / 10) > Math.floor(this.clock / 10)) this.done++;
    this.clock = Math.max(this.clock, t);
  }
  runs(): number {
    return this.done;
  }
  now(): number {
    return this.clock;
  }
  upsertAccount(rec: AccountRecord): void {
    this.upserts.push(rec.account_id);
  }
  assess(id: string): Assessment {
    return benign(id);
  }
  campaigns(): readonly CampaignView[] {
    return [];
  }
}

test("each campaign run is recorded once, whether an observe or the periodic advance made it", () => {
  const inner = new GridFake();
  const pauses = new Pauses();
  const d = timeCampaignRuns(inner, pauses);
  for (let t = 1; t <= 35; t++) d.observe(ev(t)); // crosses 10, 20, 30
  assert.equal(pauses.count, 3);
  d.advance?.(36); // same grid cell: no run
  assert.equal(pauses.count, 3);
  d.advance?.(41); // crosses 40
  assert.equal(pauses.count, 4);
  assert.equal(d.runs?.(), 4);
  assert.ok(pauses.totalSeconds >= 0 && pauses.maxSeconds >= 0);
});

test("the wrapper passes everything else through and keeps the port's optional members as they are", () => {
  const inner = new GridFake();
  const d = timeCampaignRuns(inner, new Pauses());
  d.upsertAccount({ account_id: "x" });
  assert.deepEqual(inner.upserts, ["x"]);
  assert.equal(d.assess("y").accountId, "y");
  d.observe(ev(7));
  assert.equal(d.now?.(), 7);

  // A port that cannot count runs is used as it is; one without `now` still has none (the gateway then asks `assess` each time).
  const bare = { observe: (e: TimedEvent) => benign(e.event.account_id), upsertAccount: () => undefined, assess: benign, campaigns: () => [] };
  assert.equal(timeCampaignRuns(bare, new Pauses()), bare);
  const noClock = Object.assign(Object.create(null) as object, { observe: bare.observe, upsertAccount: bare.upsertAccount, assess: bare.assess, campaigns: bare.campaigns, runs: () => 0 });
  const wrapped = timeCampaignRuns(noClock as typeof bare & { runs(): number }, new Pauses());
  assert.equal(wrapped.now, undefined);
  assert.equal(wrapped.advance, undefined);
});
