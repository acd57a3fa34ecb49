/**
 * `moat serve` configuration: one JSON or YAML file, validated once at start with path-aware messages
 * (`config.upstreams.openai.url: …`), secrets resolved from the environment passed in (never read at import).
 *
 * @example
 * ```yaml
 * listen: { host: 127.0.0.1, port: 8787 }
 * mode: shadow                      # shadow (default): decide and log, never enforce | enforce
 * upstreams:
 *   anthropic: { url: https://api.anthropic.com, apiKeyEnv: ANTHROPIC_API_KEY }
 *   openai:    { url: https://api.openai.com,    apiKeyEnv: OPENAI_API_KEY }
 * keys:
 *   moat-sk-alice: { account_id: acct_alice, org_id: org_acme }
 * admin: { tokenEnv: MOAT_ADMIN_TOKEN }
 * dataDir: .moat
 * ```
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createHash } from "node:crypto";
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { formatIssues } from "./zod-issues.ts";
import { MAX_GATEWAY_BODY_BYTES } from "../ingest/line-splitter.ts";
import { DEFAULT_TRAFFIC_LOG_MAX_BYTES } from "../stores/traffic-log.ts";
import { DEFAULT_PASS_THROUGH, PASS_THROUGH_ENTRY, PassThroughRules, TrustedProxies } from "./request-info.ts";
import { INLINE_REASONING_MODES, type InlineReasoningMode } from "./inline-reasoning.ts";

/** Request-body bytes held in memory at once, in all: 1 GiB (see body-budget.ts). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024 * 1024;
/** ... and per account: 128 MiB, an eighth, so a few accounts cannot starve the rest (four bodies at the 32 MiB limit). */
export const DEFAULT_MAX_BUFFERED_BYTES_PER_ACCOUNT = 128 * 1024 * 1024;

/** Traffic-log retention: 30 days. */
export const DEFAULT_TRAFFIC_RETAIN_HOURS = 30 * 24;

/** `$NAME` or `${NAME}`: a secret written as a shell reference, which would be sent as it is. */
const ENV_REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;

const Upstream = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://api.openai.com" }),
    apiKey: z.string().min(1).optional(),
    apiKeyEnv: z.string().min(1).optional(),
    /**
     * How a degraded answer's reasoning written into its text is found (see inline-reasoning.ts): `think-tags`
     * (a leading `<think>…</think>`), `prefilled` (everything before the first `</think>`, for chat templates that
     * put the opening tag in the prompt) or `off`.
     */
    inlineReasoning: z.enum(INLINE_REASONING_MODES).default("think-tags"),
  })
  .refine((s) => (s.apiKey === undefined) !== (s.apiKeyEnv === undefined), "give exactly one of `apiKey` or `apiKeyEnv`")
  .refine((s) => s.apiKey === undefined || !ENV_REFERENCE.test(s.apiKey), {
    message: "looks like an environment variable, which moat does not expand: write `apiKeyEnv: NAME` instead",
    path: ["apiKey"],
  })
  .refine((s) => !URL.canParse(s.url) || !/\/v1\/?$/.test(new URL(s.url).pathname), {
    message: "give the origin without /v1 (moat forwards the client's path, which already starts with /v1)",
    path: ["url"],
  });

/** A log file's rotation size and retention (hours after its last line; 0 keeps everything). */
const LogFileOptions = z.strictObject({
  maxBytes: z.number().int().min(4096).default(DEFAULT_TRAFFIC_LOG_MAX_BYTES),
  retainHours: z.number().int().min(0).default(DEFAULT_TRAFFIC_RETAIN_HOURS),
});

const KeyEntry = z.strictObject({
  account_id: z.string().min(1),
  org_id: z.string().min(1).optional(),
  /** Stable id of this key in logs; defaults to a hash prefix of the key (the key itself is never logged). */
  key_id: z.string().min(1).optional(),
});

/** moat key -> account: the config's `keys`, and what a `keysFile` holds. */
const KeyMap = z.record(z.string().min(8, "moat keys must be at least 8 characters"), KeyEntry);

export const GatewayConfigSchema = z
  .strictObject({
    listen: z.strictObject({ host: z.string().min(1).default("127.0.0.1"), port: z.number().int().min(0).max(65535).default(8787) }).default({ host: "127.0.0.1", port: 8787 }),
    /** Shadow is the default for a new install: decisions are computed and logged, never enforced. */
    mode: z.enum(["shadow", "enforce"]).default("shadow"),
    upstreams: z
      .strictObject({ anthropic: Upstream.optional(), openai: Upstream.optional() })
      .refine((u) => u.anthropic !== undefined || u.openai !== undefined, "configure at least one of `anthropic` or `openai`"),
    keys: KeyMap.default({}),
    /** A JSON/YAML file with more `keys` (same shape), relative to the config file. */
    keysFile: z.string().min(1).optional(),
    /** Accounts (contract §2 JSONL), relative to the config file: tier, verified, sign-up data for the engine. */
    accountsFile: z.string().min(1).optional(),
    admin: z
      .strictObject({
        token: z.string().min(16, "admin token must be at least 16 characters").optional(),
        tokenEnv: z.string().min(1).optional(),
        /**
         * A listener of its own for the admin API (an internal interface, another port): the client listener then
         * does not serve it, and a flood of client connections cannot keep the operator out.
         */
        listen: z.strictObject({ host: z.string().min(1).default("127.0.0.1"), port: z.number().int().min(0).max(65535) }).optional(),
      })
      .refine(
      (s) => (s.token === undefined) !== (s.tokenEnv === undefined),
      "give exactly one of `token` or `tokenEnv`",
    ),
    /** Traffic log, state store and decision log live here (relative to the config file). */
    dataDir: z.string().min(1).default(".moat"),
    /** Policy file (YAML/JSON) relative to the config file; the built-in default policy when absent. */
    policy: z.string().min(1).optional(),
    /** Socket addresses or CIDR ranges whose X-Forwarded-For is believed (load balancers in front of moat). */
    trustedProxies: z.array(z.string().min(1)).default([]),
    /**
     * Non-exchange requests forwarded as they are ("GET /v1/models", "POST /v1/files", "/v1/batches/*"): not
     * read by the engine, not logged as exchanges; block and challenge still apply. Everything else but the two
     * exchange paths is refused. The default lists models and counts tokens.
     */
    passThrough: z
      .array(z.string().regex(PASS_THROUGH_ENTRY, 'an entry is an optional method and a path, or a path prefix ending in "/*": "GET /v1/models", "/v1/files/*"'))
      .default([...DEFAULT_PASS_THROUGH]),
    /** Where a challenged user goes to verify; shown in the challenge error. */
    verificationUrl: z.url().default("https://example.com/verify"),
    limits: z
      .strictObject({
        maxBodyBytes: z
          .number()
          .int()
          .min(1024)
          .max(MAX_GATEWAY_BODY_BYTES, `at most ${MAX_GATEWAY_BODY_BYTES} bytes (32 MiB): larger exchanges could not be read back from the traffic log`)
          .default(MAX_GATEWAY_BODY_BYTES),
        upstreamTimeoutMs: z.number().int().min(1000).default(600_000),
        /** Time to receive a whole request (headers and body) from the client; slower clients are cut off. */
        requestTimeoutMs: z.number().int().min(1000).default(120_000),
        /**
         * Requests one account may have in flight at once; more get a 429. Keeps one account (or a client that
         * stops reading its streams) from holding the whole upstream pool (512 connections per provider).
         */
        maxConcurrentPerAccount: z.number().int().min(1).max(10_000).default(128),
        /**
         * Client connections held at once; more are dropped as they arrive. Default: the process's open-file limit
         * less what moat needs for its upstream pools and files (see connection-cap.ts).
         */
        maxConnections: z.number().int().min(1).optional(),
        /**
         * On SIGTERM/SIGINT: how long requests in flight (streams included) may take to finish before they are cut.
         * New connections are refused meanwhile. Give the process manager a longer grace period than this.
         */
        shutdownGraceMs: z.number().int().min(0).default(20_000),
        /**
         * The engine forgets an account after this many hours without traffic, unless it was ever flagged or is in a
         * campaign or a coordinated group, so memory follows active accounts. Default: the traffic log's retention
         * (what a restart would rebuild from); 0 never forgets.
         */
        forgetIdleAccountsAfterHours: z.number().int().min(0).optional(),
        /**
         * Contents (account, system prompt, last user turn) whose analysis the engine remembers, as salted digests
         * and features, ~1 KB each (see content-digest-memo.ts); 0 analyses every exchange afresh.
         */
        contentMemoEntries: z.number().int().min(0).max(4_194_304, "at most 4,194,304 contents (~4 GB); the default 32,768 holds the active tasks of most deployments").default(32_768),
        /**
         * Bytes of request bodies held in memory at once, all accounts together, and per account (see
         * body-budget.ts). Past either, a request gets a 503 before more of its body is read.
         */
        maxBufferedBytes: z.number().int().min(1024).default(DEFAULT_MAX_BUFFERED_BYTES),
        maxBufferedBytesPerAccount: z.number().int().min(1024).default(DEFAULT_MAX_BUFFERED_BYTES_PER_ACCOUNT),
      })
      .superRefine((l, ctx) => {
        // A budget smaller than one allowed body would refuse every request of that size.
        if (l.maxBufferedBytesPerAccount < l.maxBodyBytes)
          ctx.addIssue({ code: "custom", path: ["maxBufferedBytesPerAccount"], message: `must be at least limits.maxBodyBytes (${l.maxBodyBytes}): a smaller budget refuses every body of the allowed size` });
        if (l.maxBufferedBytes < l.maxBufferedBytesPerAccount)
          ctx.addIssue({ code: "custom", path: ["maxBufferedBytes"], message: `must be at least limits.maxBufferedBytesPerAccount (${l.maxBufferedBytesPerAccount} bytes; it defaults to ${DEFAULT_MAX_BUFFERED_BYTES_PER_ACCOUNT})` });
      })
      // Absent: parsed as `{}`, so the fields' own defaults (and the checks above) apply; not a second copy of them.
      .prefault({}),
    /**
     * The traffic log's rotation and retention. Its files hold prompts; the engine is rebuilt at start from what
     * is kept. retainHours 0 keeps every file (another system manages retention).
     */
    trafficLog: LogFileOptions.extend({
      /** Gzip each traffic-log file once it is rotated out (`X.jsonl.gz`, which moat's readers read). */
      compress: z.boolean().default(false),
    }).prefault({}),
    /**
     * Also append every decision to `<dataDir>/decisions.jsonl`: `true` (the same defaults as the traffic log), or
     * its rotation size and how long rotated files are kept (`decisions.jsonl.<UTC time>`; retainHours 0 keeps them all).
     */
    decisionLog: z.union([z.boolean(), LogFileOptions]).default(false),
    /** Engine config overrides (src/core/engine/config.ts), passed through. */
    engine: z.record(z.string(), z.unknown()).optional(),
  });

export type GatewayConfigFile = z.output<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

export interface UpstreamTarget {
  readonly url: URL;
  readonly apiKey: string;
  readonly inlineReasoning: InlineReasoningMode;
}

export interface KeyInfo {
  readonly accountId: string;
  readonly orgId: string | null;
  readonly keyId: string;
}

/** The validated, resolved config the gateway runs with (secrets resolved, paths absolute). */
export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly mode: "shadow" | "enforce";
  readonly upstreams: { readonly anthropic: UpstreamTarget | null; readonly openai: UpstreamTarget | null };
  readonly keys: ReadonlyMap<string, KeyInfo>;
  readonly accountsFile: string | null;
  readonly adminToken: string;
  /** The admin API's own listener; null when it shares the client listener. */
  readonly adminListen: { readonly host: string; readonly port: number } | null;
  readonly dataDir: string;
  readonly policyFile: string | null;
  readonly trustedProxies: TrustedProxies;
  readonly passThrough: PassThroughRules;
  readonly verificationUrl: string;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxConcurrentPerAccount: number;
  /** null: derived from the open-file limit at start (see connection-cap.ts). */
  readonly maxConnections: number | null;
  readonly shutdownGraceMs: number;
  /** After how long without traffic the engine forgets an account it holds for nothing (ms); null never. */
  readonly forgetIdleAccountsMs: number | null;
  /** Contents the engine's analysis memo holds (0: none). */
  readonly contentMemoEntries: number;
  readonly maxBufferedBytes: number;
  readonly maxBufferedBytesPerAccount: number;
  readonly trafficLogMaxBytes: number;
  /** Traffic-log retention in hours; null keeps every file. */
  readonly trafficLogRetainHours: number | null;
  /** Gzip traffic-log files once rotated out. */
  readonly trafficLogCompress: boolean;
  /** Where decisions are also appended (`decisions.jsonl`), and how it rotates; null when they are not. */
  readonly decisionLog: { readonly maxBytes: number; readonly retainHours: number | null } | null;
  readonly engine: Readonly<Record<string, unknown>> | undefined;
}

/** A config problem the operator must fix; the message names the path and what to do. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses JSON or YAML text (YAML is a superset, but JSON files get JSON's clearer errors). */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e: unknown) {
    throw new ConfigError(`${file}: not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Reads and parses a JSON/YAML file, with a clear error when it is missing. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e: unknown) {
    throw new ConfigError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}. Check the path.`);
  }
  return parseConfigText(text, file);
}

const retention = (hours: number): number | null => (hours === 0 ? null : hours);
const idleMs = (hours: number): number | null => (hours === 0 ? null : hours * 3_600_000);
const decisionLogOf = (o: z.output<typeof LogFileOptions>): { maxBytes: number; retainHours: number | null } => ({ maxBytes: o.maxBytes, retainHours: retention(o.retainHours) });

/** Whether two listen hosts would take the same port from each other (equal, or one of them every address). */
export function listenersOverlap(a: string, b: string): boolean {
  const any = (h: string): boolean => h === "0.0.0.0" || h === "::" || h === "[::]";
  return a === b || any(a) || any(b);
}

/** Default key id: a short hash of the key, so logs can tell keys apart without ever holding one. */
export function keyIdOf(key: string): string {
  return `key_${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

/**
 * Validates a parsed config object and resolves it: env secrets from `env`, relative paths against
 * `baseDir`, the optional keys file merged in. Throws `ConfigError` listing every problem by path.
 */
export function resolveGatewayConfig(input: unknown, baseDir: string, env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const r = GatewayConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(formatIssues("config", r.error));
  const c = r.data;
  const problems: string[] = [];
  const secret = (path: string, s: { apiKey?: string | undefined; apiKeyEnv?: string | undefined }): string => {
    if (s.apiKey !== undefined) return s.apiKey;
    const v = env[s.apiKeyEnv ?? ""];
    if (v === undefined || v === "") problems.push(`${path}.apiKeyEnv: environment variable ${s.apiKeyEnv} is not set; export it or use apiKey`);
    return v ?? "";
  };
  const up = (name: "anthropic" | "openai"): UpstreamTarget | null => {
    const u = c.upstreams[name];
    return u ? { url: new URL(u.url), apiKey: secret(`config.upstreams.${name}`, u), inlineReasoning: u.inlineReasoning } : null;
  };
  const upstreams = { anthropic: up("anthropic"), openai: up("openai") };
  let adminToken = c.admin.token ?? "";
  if (c.admin.tokenEnv !== undefined) {
    adminToken = env[c.admin.tokenEnv] ?? "";
    if (adminToken.length < 16) problems.push(`config.admin.tokenEnv: environment variable ${c.admin.tokenEnv} must hold a token of at least 16 characters`);
  }
  const keys = new Map<string, KeyInfo>();
  const addKeys = (root: string, rec: Record<string, z.output<typeof KeyEntry>>): void => {
    for (const [k, v] of Object.entries(rec)) {
      if (keys.has(k)) problems.push(`${root}: key ${keyIdOf(k)} is defined twice`);
      keys.set(k, { accountId: v.account_id, orgId: v.org_id ?? null, keyId: v.key_id ?? keyIdOf(k) });
    }
  };
  addKeys("config.keys", c.keys);
  if (c.keysFile !== undefined) {
    const file = resolve(baseDir, c.keysFile);
    // The same map as `keys` in the config, at the top level or under `keys:`.
    const raw = readConfigFile(file);
    const inner = typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 1 && "keys" in raw ? (raw as { keys: unknown }).keys : raw;
    const kr = KeyMap.safeParse(inner);
    if (!kr.success) problems.push(formatIssues(file, kr.error));
    else addKeys(file, kr.data);
  }
  const trustedProxies = new TrustedProxies(c.trustedProxies);
  for (const p of trustedProxies.problems) problems.push(`config.trustedProxies: ${p}`);
  const al = c.admin.listen;
  if (al !== undefined && al.port !== 0 && al.port === c.listen.port && listenersOverlap(al.host, c.listen.host))
    problems.push(`config.admin.listen: ${al.host}:${al.port} is where moat's client listener is (config.listen); give the admin API another port`);
  if (keys.size === 0 && problems.length === 0) problems.push("config.keys: no moat API keys configured; add `keys` or `keysFile` so clients can authenticate");
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  return {
    host: c.listen.host,
    port: c.listen.port,
    mode: c.mode,
    upstreams,
    keys,
    accountsFile: c.accountsFile !== undefined ? resolve(baseDir, c.accountsFile) : null,
    adminToken,
    adminListen: c.admin.listen ?? null,
    dataDir: resolve(baseDir, c.dataDir),
    policyFile: c.policy !== undefined ? resolve(baseDir, c.policy) : null,
    trustedProxies,
    passThrough: new PassThroughRules(c.passThrough),
    verificationUrl: c.verificationUrl,
    maxBodyBytes: c.limits.maxBodyBytes,
    upstreamTimeoutMs: c.limits.upstreamTimeoutMs,
    requestTimeoutMs: c.limits.requestTimeoutMs,
    maxConcurrentPerAccount: c.limits.maxConcurrentPerAccount,
    maxConnections: c.limits.maxConnections ?? null,
    shutdownGraceMs: c.limits.shutdownGraceMs,
    forgetIdleAccountsMs: idleMs(c.limits.forgetIdleAccountsAfterHours ?? c.trafficLog.retainHours),
    contentMemoEntries: c.limits.contentMemoEntries,
    maxBufferedBytes: c.limits.maxBufferedBytes,
    maxBufferedBytesPerAccount: c.limits.maxBufferedBytesPerAccount,
    trafficLogMaxBytes: c.trafficLog.maxBytes,
    trafficLogRetainHours: retention(c.trafficLog.retainHours),
    trafficLogCompress: c.trafficLog.compress,
    decisionLog: c.decisionLog === false ? null : decisionLogOf(c.decisionLog === true ? LogFileOptions.parse({}) : c.decisionLog),
    engine: c.engine,
  };
}

/** Reads, validates and resolves a config file. */
export function loadGatewayConfig(file: string, env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  return resolveGatewayConfig(readConfigFile(file), dirname(resolve(file)), env);
}
