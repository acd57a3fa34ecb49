/**
 * Test and bench wiring: an upstream stub plus a gateway in front of it, all on 127.0.0.1 random
 * ports, with an in-memory store and traffic sink. The detection part is whatever the caller passes
 * (the real engine, or a scripted fake for action tests).
 */
import type { AccountRecord, TrafficEvent } from "../../core/model/traffic.ts";
import type { Assessment, CampaignView } from "../../core/engine/types.ts";
import { MemoryStateStore } from "../../stores/memory-state-store.ts";
import type { StateStore } from "../../stores/state-store.ts";
import { resolveGatewayConfig, type GatewayConfigInput } from "../config.ts";
import type { DetectionPort } from "../detection-port.ts";
import type { LiveDetection } from "../timed-detection.ts";
import type { ContentMemoStats, TrafficLogFileStats, TrafficSink } from "../context.ts";
import { startGateway, type Gateway } from "../gateway.ts";
import { startUpstreamStub, type UpstreamStub } from "./upstream-stub.ts";

export const ANTHROPIC_PROVIDER_KEY = "sk-ant-provider-secret-000";
export const OPENAI_PROVIDER_KEY = "sk-openai-provider-secret-000";
export const ADMIN_TOKEN = "admin-token-for-tests-0123456789";

export interface Harness {
  readonly gw: Gateway;
  readonly stub: UpstreamStub;
  readonly store: StateStore;
  readonly log: TrafficEvent[];
  /** The request bytes handed to the traffic log with each line (what a file would hold), in order. */
  readonly logBodies: Array<Buffer | undefined>;
  /** Every decision, in order (one per exchange, and one per pass-through request), as the decisions JSONL would hold it. */
  readonly decisions: Array<{ request_id: string; account_id: string; action: string; shadow: boolean; limited?: boolean; pass_through?: string }>;
  /** Admin API call; returns status and parsed JSON. */
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown, actor?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly detection: LiveDetection;
  /** moat key -> account (and org). */
  readonly keys: Record<string, { account_id: string; org_id?: string }>;
  readonly mode?: "shadow" | "enforce";
  readonly policyFile?: string;
  readonly accounts?: readonly AccountRecord[];
  readonly now?: () => number;
  readonly store?: StateStore;
  readonly extra?: Partial<GatewayConfigInput>;
  readonly light?: boolean;
  /** The decisions sink fails on every line (a full disk under decisions.jsonl). */
  readonly failingDecisionLog?: boolean;
  /** The engine's content memo, for the gateway's gauges. */
  readonly contentMemo?: ContentMemoStats;
  /** A traffic-log sink of the test's own (a file writer) in place of the in-memory one, and its file stats. */
  readonly trafficLog?: TrafficSink;
  readonly trafficLogFiles?: () => TrafficLogFileStats;
}

/** Starts stub + gateway. Close it in the test's `after`/`finally`. */
export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const stub = await startUpstreamStub(o.light ? { light: true } : { anthropicKey: ANTHROPIC_PROVIDER_KEY, openaiKey: OPENAI_PROVIDER_KEY });
  const input: GatewayConfigInput = {
    listen: { host: "127.0.0.1", port: 0 },
    mode: o.mode ?? "enforce",
    upstreams: { anthropic: { url: stub.url, apiKey: ANTHROPIC_PROVIDER_KEY }, openai: { url: stub.url, apiKey: OPENAI_PROVIDER_KEY } },
    keys: o.keys,
    admin: { token: ADMIN_TOKEN },
    verificationUrl: "https://verify.example.com/start",
    limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 30_000 },
    ...(o.policyFile !== undefined ? { policy: o.policyFile } : {}),
    ...o.extra,
  };
  const config = resolveGatewayConfig(input, process.cwd(), {});
  const store = o.store ?? new MemoryStateStore();
  const log: TrafficEvent[] = [];
  const logBodies: Array<Buffer | undefined> = [];
  const decisions: Harness["decisions"] = [];
  const gw = await startGateway({
    decisionSink: (line) => {
      if (o.failingDecisionLog) throw new Error("EFBIG: file too large");
      decisions.push(JSON.parse(line) as Harness["decisions"][number]);
    },
    config,
    detection: o.detection,
    store,
    // In memory, as a file sink would read back: the request comes from the client's bytes when given.
    trafficLog: o.trafficLog ?? { append: (ev, requestJson) => void (logBodies.push(requestJson), log.push(requestJson !== undefined && ev.request === undefined ? { ...ev, request: JSON.parse(requestJson.toString("utf8")) as Record<string, unknown> } : ev)) },
    ...(o.accounts ? { accounts: o.accounts } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.contentMemo ? { contentMemo: o.contentMemo } : {}),
    ...(o.trafficLogFiles ? { trafficLogFiles: o.trafficLogFiles } : {}),
  });
  return {
    gw,
    stub,
    store,
    log,
    logBodies,
    decisions,
    admin: async <T,>(method: string, path: string, body?: unknown, actor?: string) => {
      const r = await fetch(gw.url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...(actor ? { "x-moat-actor": actor } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // metrics are text
      }
      return { status: r.status, body: parsed as T };
    },
    close: async () => {
      await gw.close();
      await stub.close();
    },
  };
}

/** A detection fake whose assessments the test sets per account. Counts observed events. */
export class ScriptedDetection implements DetectionPort {
  readonly observed: string[] = [];
  readonly upserts: AccountRecord[] = [];
  private readonly script = new Map<string, Partial<Assessment>>();
  failing = false;

  set(accountId: string, a: Partial<Assessment>): void {
    this.script.set(accountId, a);
  }
  upsertAccount(rec: AccountRecord): void {
    this.upserts.push(rec);
  }
  observe(ev: { t: number; event: TrafficEvent }): Assessment {
    if (this.failing) throw new Error("scripted engine failure");
    this.observed.push(ev.event.account_id);
    return this.assess(ev.event.account_id);
  }
  assess(accountId: string): Assessment {
    if (this.failing) throw new Error("scripted engine failure");
    const s = this.script.get(accountId) ?? {};
    const a: Assessment = { accountId, verdict: "benign", score: 0, campaignId: null, campaignScore: 0, ownScore: 0, ownVerdict: "benign", reasons: [], exchanges: 0, flaggedAt: null, extractionAt: null, ...s };
    // Unless scripted apart, the account's own behaviour is all of its score.
    return s.ownScore === undefined ? Object.assign(a, { ownScore: a.score, ownVerdict: a.verdict }) : a;
  }
  /** The campaigns the script names, one view each (members, score), as the engine would report them. */
  campaigns(): readonly CampaignView[] {
    const byId = new Map<string, { accounts: string[]; score: number }>();
    for (const [id, s] of this.script) {
      if (s.campaignId == null) continue;
      const c = byId.get(s.campaignId) ?? { accounts: [], score: 0 };
      c.accounts.push(id);
      c.score = Math.max(c.score, s.campaignScore ?? 0);
      byId.set(s.campaignId, c);
    }
    return [...byId].map(([campaignId, c]) => ({ campaignId, accounts: c.accounts, exchanges: 0, firstSeen: 0, detectedAt: 0, score: c.score, targets: { reasoning: 0, coding: 0, agentic: 0, other: 0 }, indicators: {}, reasons: [] }));
  }
}
