/**
 * Operator overrides (admin API): block, allow, verify, mark benign, per account or per campaign.
 * Kept in memory for the request path and written through to the state store, with an audit entry
 * naming who changed what. A campaign override applies to every member account, including accounts
 * the engine attaches to the campaign later.
 */
import type { StateStore } from "../stores/state-store.ts";
import type { Verdict } from "../core/model/report.ts";

export type OverrideTarget = "account" | "campaign";
export type OverrideAction = "block" | "allow" | "benign" | "verify" | "unverify" | "clear";

/** The standing override of one account or campaign. */
export interface OverrideState {
  readonly target: OverrideTarget;
  readonly id: string;
  /** block / allow: enforced regardless of verdicts. benign: the current evidence is a false positive. */
  readonly status: "block" | "allow" | "benign" | null;
  /** Step-up verification passed (accounts only). */
  readonly verified: boolean;
  /** For `benign`: the verdict and score that were judged false positives; only stronger evidence acts again. */
  readonly benignAt: { readonly verdict: Verdict; readonly score: number } | null;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly note: string | null;
}

export const OVERRIDES_NS = "overrides";

/** A bad override request (unknown action for the target, …). */
export class OverrideError extends Error {
  readonly code = "OVERRIDE_INVALID";
}

/** In-memory view of the overrides, written through to the store. */
export class OverrideBook {
  private readonly byKey = new Map<string, OverrideState>();
  private changes = 0;

  /** `onChange` runs after every applied override (the gateway pushes verification marks into the engine). */
  constructor(
    private readonly store: StateStore,
    private readonly onChange: (state: OverrideState, action: OverrideAction) => void = () => undefined,
  ) {
    for (const [k, v] of store.list<OverrideState>(OVERRIDES_NS)) this.byKey.set(k, v);
  }

  get(target: OverrideTarget, id: string): OverrideState | undefined {
    return this.byKey.get(`${target}:${id}`);
  }

  list(): OverrideState[] {
    return [...this.byKey.values()];
  }

  /** Goes up with every applied override: a decision taken at one version holds until the next. */
  get version(): number {
    return this.changes;
  }

  /**
   * Applies an override and records it in the audit trail. `current` is the engine's view now, kept
   * with a `benign` mark so only stronger evidence re-triggers enforcement.
   */
  apply(
    target: OverrideTarget,
    id: string,
    action: OverrideAction,
    actor: string,
    at: string,
    note: string | null,
    current: { verdict: Verdict; score: number } | null,
  ): OverrideState {
    if (target === "campaign" && (action === "verify" || action === "unverify"))
      throw new OverrideError("verification applies to accounts, not campaigns; verify each account instead");
    const prev = this.get(target, id);
    const base = { status: prev?.status ?? null, verified: prev?.verified ?? false, benignAt: prev?.benignAt ?? null };
    switch (action) {
      case "block":
      case "allow":
        base.status = action;
        base.benignAt = null;
        break;
      case "benign":
        base.status = "benign";
        base.benignAt = current ?? { verdict: "benign", score: 0 };
        break;
      case "verify":
        base.verified = true;
        break;
      case "unverify":
        base.verified = false;
        break;
      case "clear":
        base.status = null;
        base.benignAt = null;
        break;
    }
    const next: OverrideState = { target, id, ...base, updatedAt: at, updatedBy: actor, note };
    const key = `${target}:${id}`;
    this.store.put(OVERRIDES_NS, key, next);
    this.store.appendAudit({ at, actor, action, target: key, detail: { before: prev ?? null, after: next, note } });
    this.byKey.set(key, next);
    this.changes++;
    this.onChange(next, action);
    return next;
  }
}
