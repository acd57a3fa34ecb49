/**
 * The admin API under `/admin/`, protected by the admin token (`Authorization: Bearer <token>`):
 *
 * | method | path | what |
 * |---|---|---|
 * | GET  | /admin/health | status, mode, uptime, engine and fail-open counts, policy |
 * | GET  | /admin/metrics | Prometheus text |
 * | GET  | /admin/campaigns[/<id>] | campaigns (contract §3 shape) with their override |
 * | GET  | /admin/accounts[?verdict=&limit=] , /admin/accounts/<id> | accounts with reasons, standing decision, override |
 * | POST | /admin/overrides | `{target:"account"|"campaign", id, action:"block"|"allow"|"benign"|"verify"|"unverify"|"clear", note?}`; actor from `X-Moat-Actor` |
 * | GET  | /admin/overrides, /admin/audit[?limit=] | standing overrides; who changed what |
 * | GET  | /admin/policy ; POST /admin/policy/reload | the policy in force; re-read the policy file |
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Assessment, CampaignView } from "../core/engine/types.ts";
import type { GatewayContext, TrafficLogFileStats } from "./context.ts";
import { OverrideError } from "./overrides.ts";
import { formatIssues } from "./zod-issues.ts";

const OverrideBody = z.strictObject({
  target: z.enum(["account", "campaign"]),
  id: z.string().min(1).max(200),
  action: z.enum(["block", "allow", "benign", "verify", "unverify", "clear"]),
  note: z.string().max(2000).optional(),
  actor: z.string().min(1).max(200).optional(),
});

const MAX_ADMIN_BODY = 64 * 1024;

function json(ctx: GatewayContext, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  ctx.metrics.inc("moat_responses_total", { code: String(status) });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function fail(ctx: GatewayContext, res: ServerResponse, status: number, code: string, message: string): void {
  json(ctx, res, status, { error: { code, message } });
}

function authorised(ctx: GatewayContext, req: IncomingMessage): boolean {
  const h = req.headers["authorization"];
  const m = typeof h === "string" ? /^Bearer\s+(.+)$/i.exec(h.trim()) : null;
  const given = Buffer.from(m?.[1]?.trim() ?? "");
  const want = Buffer.from(ctx.config.adminToken);
  return given.length === want.length && timingSafeEqual(given, want);
}

const iso = (t: number | null): string | null => (t === null || !Number.isFinite(t) ? null : new Date(t).toISOString());

function campaignJson(ctx: GatewayContext, c: CampaignView) {
  return {
    campaign_id: c.campaignId,
    accounts: c.accounts,
    exchanges: c.exchanges,
    first_seen: iso(c.firstSeen),
    detected_at: iso(c.detectedAt),
    score: c.score,
    targets: c.targets,
    indicators: c.indicators,
    reasons: c.reasons,
    override: ctx.overrides.get("campaign", c.campaignId) ?? null,
  };
}

function accountJson(ctx: GatewayContext, a: Assessment) {
  return {
    account_id: a.accountId,
    verdict: a.verdict,
    score: a.score,
    campaign_id: a.campaignId,
    campaign_score: a.campaignScore,
    flagged_at: iso(a.flaggedAt),
    extraction_at: iso(a.extractionAt),
    exchanges: a.exchanges,
    reasons: a.reasons,
    decision: ctx.detector.standingDecision(a.accountId) ?? null,
    override: ctx.overrides.get("account", a.accountId) ?? null,
  };
}

function readJson(req: IncomingMessage, cb: (err: string | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size <= MAX_ADMIN_BODY) chunks.push(c);
  });
  req.on("end", () => {
    if (size > MAX_ADMIN_BODY) return cb(`body larger than ${MAX_ADMIN_BODY} bytes`, null);
    let body: unknown;
    try {
      body = size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (e: unknown) {
      return cb(`body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, null);
    }
    // Outside the parse's try: a failure inside the handler is not a JSON error. The handler answers its own
    // failures (this runs from the "end" event, where a throw would end the process).
    cb(null, body);
  });
}

/** Handles a request whose path starts with `/admin/`. */
export function handleAdmin(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  if (!authorised(ctx, req)) return fail(ctx, res, 401, "admin_unauthorised", "Send the admin token as Authorization: Bearer <token>.");
  const u = new URL(req.url ?? "/", "http://admin.local");
  let parts: string[];
  try {
    parts = u.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  } catch {
    return fail(ctx, res, 400, "bad_request", "the path is not valid percent-encoding");
  }
  const route = `${req.method ?? "GET"} /${parts.slice(0, 2).join("/")}`;
  const id = parts[2];
  const limitParam = u.searchParams.get("limit");
  const limit = limitParam === null ? 500 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return fail(ctx, res, 400, "bad_request", `limit must be an integer from 1 to 10000, got ${JSON.stringify(limitParam)}`);

  switch (route) {
    case "GET /admin/health":
      return json(ctx, res, 200, {
        status: "ok",
        mode: ctx.config.mode,
        uptime_s: Math.round((ctx.now() - ctx.startedAt) / 1000),
        upstreams: { anthropic: ctx.upstreams.anthropic !== null, openai: ctx.upstreams.openai !== null },
        fail_opens: ctx.metrics.total("moat_fail_open_total"),
        // `upstreams` says what is configured; reachability shows as errors (connect, timeout, refused key, unreadable answers).
        upstream_errors: ctx.metrics.total("moat_upstream_errors_total"),
        engine_observe_p99_ms: ctx.metrics.observeSeconds.quantile(0.99) * 1000,
        policy: { file: ctx.config.policyFile, rules: ctx.detector.policy.rules.map((r) => r.name) },
      });
    case "GET /admin/metrics": {
      const text = renderMetrics(ctx);
      ctx.metrics.inc("moat_responses_total", { code: "200" });
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4", "content-length": Buffer.byteLength(text) });
      return void res.end(text);
    }
    case "GET /admin/campaigns": {
      const all = ctx.detection.campaigns();
      if (id === undefined) return json(ctx, res, 200, { campaigns: all.slice(0, limit).map((c) => campaignJson(ctx, c)) });
      const c = all.find((x) => x.campaignId === id);
      return c ? json(ctx, res, 200, campaignJson(ctx, c)) : fail(ctx, res, 404, "not_found", `no campaign ${id}`);
    }
    case "GET /admin/accounts": {
      if (id !== undefined) {
        const a = ctx.detection.assess(id);
        if (a.exchanges === 0 && !knownAccount(ctx, id))
          return fail(ctx, res, 404, "not_found", `no account ${id}: moat has seen no exchange from it, and no key, accounts-file line, decision or override names it`);
        return json(ctx, res, 200, accountJson(ctx, a));
      }
      const verdict = u.searchParams.get("verdict");
      if (verdict !== null && verdict !== "benign" && verdict !== "suspicious" && verdict !== "extraction")
        return fail(ctx, res, 400, "bad_request", `verdict must be benign, suspicious or extraction, got ${JSON.stringify(verdict)}`);
      const out = [];
      let total = 0;
      for (const a of ctx.detector.assessments()) {
        if (verdict !== null && a.verdict !== verdict) continue;
        total++;
        if (out.length < limit) out.push(accountJson(ctx, ctx.detection.assess(a.accountId)));
      }
      // `total` counts every match; `truncated` says the list stopped at `limit` (default 500, at most 10000).
      return json(ctx, res, 200, { accounts: out, total, truncated: total > out.length });
    }
    case "GET /admin/overrides":
      return json(ctx, res, 200, { overrides: ctx.overrides.list() });
    case "GET /admin/audit":
      return json(ctx, res, 200, { audit: ctx.store.listAudit(limit) });
    case "GET /admin/policy":
      return json(ctx, res, 200, { file: ctx.config.policyFile, policy: ctx.detector.policy.source });
    case "POST /admin/policy":
      if (id !== "reload") break;
      try {
        const r = ctx.reloadPolicy();
        ctx.metrics.inc("moat_policy_reloads_total", { result: "ok" });
        ctx.store.appendAudit({ at: new Date(ctx.now()).toISOString(), actor: actorOf(req, undefined), action: "policy_reload", target: r.file ?? "(default policy)", detail: r });
        return json(ctx, res, 200, { reloaded: true, ...r });
      } catch (e: unknown) {
        ctx.metrics.inc("moat_policy_reloads_total", { result: "error" });
        return fail(ctx, res, 400, "policy_invalid", `policy not reloaded, the previous one stays in force:\n${e instanceof Error ? e.message : String(e)}`);
      }
    case "POST /admin/overrides":
      return readJson(req, (err, body) => {
        if (err !== null) return fail(ctx, res, 400, "bad_request", err);
        const r = OverrideBody.safeParse(body);
        if (!r.success) return fail(ctx, res, 400, "bad_request", formatIssues("body", r.error));
        const o = r.data;
        let current: { verdict: Assessment["verdict"]; score: number } | null = null;
        let warning: string | null = null;
        if (o.target === "account") {
          const a = ctx.detection.assess(o.id);
          // An account nothing names yet may be overridden ahead of its key (blocked before it sends anything),
          // but a typo looks the same: the answer says so.
          if (a.exchanges === 0 && o.action !== "clear" && !knownAccount(ctx, o.id))
            warning = `no key, accounts-file line, exchange or decision names account ${o.id} yet: the override is recorded and applies if it appears. Check the id if you meant an existing account (GET /admin/accounts).`;
          current = { verdict: a.verdict, score: a.score };
        } else {
          const c = ctx.detection.campaigns().find((x) => x.campaignId === o.id);
          // Campaign ids are handed out in sequence: an override on an id that does not exist yet would land on
          // whatever campaign gets it later. Clearing an old one stays possible.
          if (c === undefined && o.action !== "clear" && ctx.overrides.get("campaign", o.id) === undefined)
            return fail(ctx, res, 404, "not_found", `no campaign ${o.id}; take ids from GET /admin/campaigns`);
          current = { verdict: "benign", score: c?.score ?? 0 };
        }
        try {
          const state = ctx.overrides.apply(o.target, o.id, o.action, actorOf(req, o.actor), new Date(ctx.now()).toISOString(), o.note ?? null, current);
          ctx.metrics.inc("moat_overrides_total", { action: o.action });
          return json(ctx, res, 200, warning === null ? { override: state } : { override: state, warning });
        } catch (e: unknown) {
          if (e instanceof OverrideError) return fail(ctx, res, 400, e.code, e.message);
          // Not thrown on: this runs from the body's "end" event, where a throw would end the process.
          ctx.metrics.inc("moat_store_errors_total");
          return fail(ctx, res, 500, "store_error", `the override was not recorded: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
  }
  fail(ctx, res, 404, "not_found", `no admin route ${req.method ?? "GET"} ${u.pathname}; see docs/gateway.md`);
}

/** Whether anything besides the engine names the account: the accounts file, a configured key, a standing decision or an override. */
function knownAccount(ctx: GatewayContext, id: string): boolean {
  return ctx.detector.knowsAccount(id) || ctx.detector.standingDecision(id) !== undefined || ctx.overrides.get("account", id) !== undefined;
}

/**
 * Who made an admin change, for the audit trail: the `X-Moat-Actor` header when present (a proxy in front of the
 * admin API may set it from the operator's login, so a body must not override it), else the body's `actor`.
 */
function actorOf(req: IncomingMessage, fromBody: string | undefined): string {
  const h = req.headers["x-moat-actor"];
  if (typeof h === "string" && h !== "") return h.slice(0, 200);
  return fromBody ?? "admin";
}

function trafficLogGauges(st: TrafficLogFileStats): Record<string, { help: string; value: number; type: "counter" }> {
  return {
    moat_traffic_log_sync_failures_total: { help: "Traffic-log files rotated out whose sync to disk failed in the background, since start (their lines were in the OS's buffers).", value: st.syncFailures, type: "counter" },
    moat_traffic_log_files_compressed_total: { help: "Traffic-log files gzipped once rotated out (trafficLog.compress), since start.", value: st.compressed, type: "counter" },
    moat_traffic_log_compress_failures_total: { help: "Traffic-log files that could not be gzipped and stay plain, since start.", value: st.compressFailures, type: "counter" },
  };
}

/** Prometheus text with the live gauges. */
export function renderMetrics(ctx: GatewayContext): string {
  // A count, not a walk: a scrape every few seconds must not cost a pass over a million accounts.
  const accounts = ctx.detector.accountsHeld;
  return ctx.metrics.render({
    moat_up: { help: "1 while the gateway runs.", value: 1 },
    moat_enforce_mode: { help: "1 in enforce mode, 0 in shadow mode.", value: ctx.config.mode === "enforce" ? 1 : 0 },
    moat_uptime_seconds: { help: "Seconds since start.", value: Math.round((ctx.now() - ctx.startedAt) / 1000) },
    moat_accounts_seen: { help: "Accounts the engine holds: those it has seen, less those forgotten as idle (moat_engine_accounts_forgotten_total).", value: accounts },
    moat_campaigns: { help: "Campaigns the engine currently reports.", value: ctx.detection.campaigns().length },
    moat_throttle_buckets: { help: "Live token buckets.", value: ctx.detector.buckets.size },
    moat_engine_lag_seconds: { help: "p99 of the time from request arrival to decision (recent samples).", value: ctx.metrics.decideSeconds.quantile(0.99) },
    moat_engine_queue: { help: "Exchanges decided and forwarded but not yet fed to the engine.", value: ctx.detector.pending },
    ...(ctx.contentMemo !== null
      ? {
          moat_content_memo_hits_total: { help: "Exchanges whose content analysis came from the engine's memo (digests of content seen before), since start, the start-up replay included.", value: ctx.contentMemo.hits, type: "counter" },
          moat_content_memo_misses_total: { help: "Exchanges whose content was analysed afresh, since start, the start-up replay included.", value: ctx.contentMemo.misses, type: "counter" },
          moat_content_memo_entries: { help: "Contents the memo holds (digests and features, no text).", value: ctx.contentMemo.size },
        }
      : {}),
    ...(ctx.trafficLogFiles !== null ? trafficLogGauges(ctx.trafficLogFiles()) : {}),
    moat_request_body_bytes_held: { help: `Request-body bytes held in memory now (budget ${ctx.config.maxBufferedBytes} in all, ${ctx.config.maxBufferedBytesPerAccount} per account).`, value: ctx.bodyBudget.total },
  });
}
