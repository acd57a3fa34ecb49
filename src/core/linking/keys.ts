/**
 * Linking keys: the things two accounts can share. Each key is "<kind>:<value>"; accounts that share a key
 * form a group, and groups are where coordination shows (see group-score.ts). Kinds differ in how much a
 * shared value means: a payment instrument shared by ten accounts is rare among customers, a /24 prefix is not.
 */
export type KeyKind = "pay" | "pfp" | "tpl" | "ip" | "pfx" | "mail" | "signup" | "sip";

/** How much sharing a value of this kind says about common control, 0..1 (before rarity and coherence). */
export const KIND_WEIGHT: Readonly<Record<KeyKind, number>> = {
  pay: 1, // a card is one person's; shared across many accounts means one buyer
  pfp: 0.75, // the same client, parameters, system prompt and tools: one orchestrator, or one app
  tpl: 0.85, // the same prompt template with varying slots
  ip: 0.6, // exact address: proxy pools reuse exits across a campaign's accounts; NATs share too
  signup: 0.6, // accounts created in the same 30 minutes
  sip: 0.5, // signed up from the same network
  mail: 0.45, // the same generated e-mail shape at the same domain
  pfx: 0.3, // same /24 or /48: campuses and offices share these
};

export const KIND_LABEL: Readonly<Record<KeyKind, string>> = {
  pay: "payment instrument",
  pfp: "request-parameter fingerprint",
  tpl: "prompt template",
  ip: "IP address",
  signup: "sign-up window",
  sip: "sign-up network",
  mail: "e-mail naming pattern",
  pfx: "network prefix",
};

/**
 * Kinds whose coordinated groups join accounts into one campaign by themselves: evidence of common control (a
 * card, an address, a sign-up network, a client set-up). Templates join only where they bridge nothing; e-mail
 * shapes, sign-up windows and network prefixes never join on their own (campaign-finder.ts).
 */
export const CONTROL_KINDS: ReadonlySet<string> = new Set<KeyKind>(["pay", "ip", "sip", "pfp"]);

export function keyKind(key: string): KeyKind {
  return key.slice(0, key.indexOf(":")) as KeyKind;
}

/** Sign-up windows are 30 minutes wide: bursts of scripted sign-ups land in one or two of them. */
export const SIGNUP_BUCKET_MS = 30 * 60_000;
