/**
 * Contract §4: evaluation labels, `{"acct_1": "attack:<campaign-name>", "acct_2": "benign:<persona>"}`.
 */
import { z } from "zod";

/** A label: `attack:<campaign>` or `benign:<persona>`. */
export const labelSchema = z.string().regex(/^(attack|benign):.+$/);

/** The labels file: account id -> label. */
export const labelsSchema = z
  .record(z.string().min(1), labelSchema)
  .meta({ title: "moat labels", description: "Ground truth for evaluation (contract §4): account id -> attack:<campaign> | benign:<persona>." });

/** Parsed labels. */
export type Labels = z.output<typeof labelsSchema>;

/** A label split into its kind and name. */
export function splitLabel(label: string): { readonly kind: "attack" | "benign"; readonly name: string } {
  const colon = label.indexOf(":");
  return { kind: label.slice(0, colon) === "attack" ? "attack" : "benign", name: label.slice(colon + 1) };
}
