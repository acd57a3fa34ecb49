/**
 * Engine configuration: thresholds and schedules, validated once (path-aware messages), then read as plain numbers.
 * Every default carries the reason it has that value.
 */
import { z } from "zod";

const unit = z.number().min(0).max(1);

export const EngineConfigSchema = z
  .object({
    /** Campaign detection re-runs on this grid of event time. 15 min bounds how long a new campaign runs unseen. */
    clusterEveryMs: z.number().int().positive().default(15 * 60_000),
    /** Score at which an account becomes `suspicious` (review / step-up). */
    suspiciousAt: unit.default(0.45),
    /** Score at which an account becomes `extraction` (enforcement would block or degrade). */
    extractionAt: unit.default(0.75),
    /** A group of accounts sharing a key is only a campaign candidate with at least this many members. */
    minCampaignAccounts: z.number().int().min(2).default(3),
    /** Group score at which a shared key counts as coordination and links its members into a campaign. */
    groupLinkAt: unit.default(0.5),
    /** At most this many distinct IPs per account join IP groups: enough to link rotating proxies, bounded memory. */
    maxIpKeysPerAccount: z.number().int().min(1).max(64).default(8),
    /** A new account attaches to a known campaign on its first exchanges when it shares this many of the campaign's keys. */
    fastPathMinKeys: z.number().int().min(1).default(2),
    /** Campaign score needed before the fast path attaches new accounts to it. */
    fastPathMinCampaignScore: unit.default(0.7),
  })
  .strict();

export type EngineConfig = z.output<typeof EngineConfigSchema>;
export type EngineConfigInput = z.input<typeof EngineConfigSchema>;

/** Validates a partial config and fills defaults; throws an Error whose message names the offending path. */
export function resolveEngineConfig(input: unknown = {}): EngineConfig {
  const r = EngineConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `engine.${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  throw new Error(msg);
}
