/**
 * The two things every scorer does with reasons: build one with its weight rounded to 3 decimals (what
 * reports show and what scores are summed from), and order a list strongest first.
 */
import type { Reason } from "./report.ts";

/** A reason whose weight is rounded to 3 decimals. */
export function reason(code: string, weight: number, detail: string): Reason {
  return { code, weight: Math.round(weight * 1000) / 1000, detail };
}

/** Sort comparator: the reason with the larger absolute weight first. */
export function strongestFirst(x: Reason, y: Reason): number {
  return Math.abs(y.weight) - Math.abs(x.weight);
}
