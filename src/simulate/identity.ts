/**
 * Who the simulated accounts say they are: names, e-mail addresses, payment fingerprints, client
 * User-Agents. Realistic on purpose: attack accounts must not be separable by one silly field.
 */
import { createHash } from "node:crypto";
import type { Rng } from "./rng.ts";

const FIRST = [
  "james", "maria", "wei", "li", "hua", "arjun", "priya", "lukas", "anna", "sofia", "mohamed", "yuki", "minjun", "lucas",
  "emma", "olivia", "noah", "liam", "ava", "mateo", "chen", "jing", "ivan", "olga", "fatima", "ahmed", "kenji", "sara",
  "david", "daniel", "laura", "paul", "marie", "jonas", "elena", "diego", "camila", "tom", "kate", "rahul", "ananya",
  "hiroshi", "jisoo", "thanh", "linh", "pedro", "julia", "max", "nina", "omar", "leila", "sam", "alex", "chris", "mia",
] as const;
const LAST = [
  "smith", "johnson", "garcia", "mueller", "schmidt", "wang", "li", "zhang", "chen", "kumar", "sharma", "singh", "patel",
  "nguyen", "kim", "park", "tanaka", "sato", "silva", "santos", "rossi", "martin", "dubois", "novak", "kowalski", "ivanov",
  "brown", "jones", "lopez", "hernandez", "lee", "wilson", "taylor", "anderson", "thomas", "moore", "white", "harris",
  "clark", "yamamoto", "choi", "tran", "costa", "weber", "fischer", "becker", "liu", "huang", "zhao", "wu",
] as const;

/** Free-mail providers weighted roughly by share. */
export const FREE_MAIL: readonly (readonly [string, number])[] = [
  ["gmail.com", 40], ["outlook.com", 10], ["hotmail.com", 7], ["yahoo.com", 7], ["icloud.com", 5], ["qq.com", 4],
  ["163.com", 3], ["protonmail.com", 2], ["gmx.de", 2], ["yandex.ru", 1], ["naver.com", 2], ["mail.ru", 1],
];
export const DISPOSABLE_MAIL: readonly string[] = [
  "mailinator.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org", "yopmail.com", "sharklasers.com",
];

export interface Person {
  readonly first: string;
  readonly last: string;
}

export function person(rng: Rng): Person {
  return { first: rng.pick(FIRST), last: rng.pick(LAST) };
}

/** How real people write their addresses. */
export function realisticLocalPart(rng: Rng, p: Person): string {
  switch (rng.int(0, 6)) {
    case 0:
      return `${p.first}.${p.last}`;
    case 1:
      return `${p.first}${p.last}${rng.int(70, 99)}`;
    case 2:
      return `${p.first[0] ?? "x"}${p.last}`;
    case 3:
      return `${p.first}_${p.last}${rng.int(1, 30)}`;
    case 4:
      return `${p.first}${p.last[0] ?? ""}`;
    case 5:
      return `${p.last}.${p.first}${rng.chance(0.5) ? rng.int(1, 9) : ""}`;
    default:
      return `${p.first}${rng.int(1980, 2006)}`;
  }
}

export function freeMailDomain(rng: Rng): string {
  return rng.weighted(FREE_MAIL);
}

/** A plausible (fictional) company domain, for developers and corporate users. */
export function companyDomain(rng: Rng): string {
  const a = ["bright", "tensor", "blue", "north", "quant", "pixel", "cloud", "data", "open", "deep", "swift", "iron", "lumen", "vector"];
  const b = ["loop", "works", "labs", "forge", "stack", "mind", "grid", "hub", "wave", "base", "bit", "line"];
  const tld = rng.weighted([["com", 5], ["io", 3], ["dev", 1], ["ai", 2], ["de", 1], ["co.uk", 1]] as const);
  return `${rng.pick(a)}${rng.pick(b)}.${tld}`;
}

/**
 * An orchestrator's naming scheme: one campaign generates every address with the same recipe,
 * which is what a cross-account detector can notice (but no single address looks odd).
 */
export function generatedEmailScheme(rng: Rng): (r: Rng) => string {
  const domains = rng.shuffle(["gmail.com", "outlook.com", "163.com", "hotmail.com", "yahoo.com", "qq.com"]).slice(0, rng.int(1, 3));
  const kind = rng.int(0, 3);
  return (r: Rng) => {
    const p = person(r);
    const domain = r.pick(domains);
    switch (kind) {
      case 0:
        return `${p.first}${p.last}${r.int(1000, 9999)}@${domain}`;
      case 1:
        return `${p.first}${r.int(1000, 9999)}@${domain}`;
      case 2: {
        let s = "";
        for (let i = 0; i < r.int(7, 10); i++) s += String.fromCharCode(97 + r.int(0, 25));
        return `${s}${r.int(10, 99)}@${domain}`;
      }
      default:
        return `${p.first}.${p.last}.${r.int(100, 999)}@${domain}`;
    }
  };
}

/** Stable fingerprint of a payment instrument (as a processor would expose it). */
export function paymentFingerprint(rng: Rng): string {
  return `pm_${rng.hex(16)}`;
}

/** The e-mail fields of an account: the raw address, or domain + hash where logs keep no raw address. */
export function emailFields(email: string, hashed: boolean): { email: string } | { email_domain: string; email_hash: string } {
  if (!hashed) return { email };
  const at = email.lastIndexOf("@");
  return { email_domain: email.slice(at + 1), email_hash: createHash("md5").update(email.toLowerCase()).digest("hex") };
}

/** Client families the simulator emits, as real SDKs and tools write their User-Agent. */
export type ClientKind = "anthropic-py" | "anthropic-js" | "openai-py" | "openai-js" | "httpx" | "requests" | "curl" | "go" | "browser" | "agent-cli";

/** A User-Agent string of the given client with a plausible version. */
export function userAgent(rng: Rng, kind: ClientKind): string {
  switch (kind) {
    case "anthropic-py":
      return `Anthropic/Python 0.${rng.int(39, 52)}.${rng.int(0, 3)}`;
    case "anthropic-js":
      return `Anthropic/JS 0.${rng.int(32, 50)}.${rng.int(0, 2)}`;
    case "openai-py":
      return `OpenAI/Python 1.${rng.int(54, 82)}.${rng.int(0, 4)}`;
    case "openai-js":
      return `OpenAI/JS 4.${rng.int(73, 98)}.${rng.int(0, 3)}`;
    case "httpx":
      return `python-httpx/0.${rng.int(26, 28)}.${rng.int(0, 2)}`;
    case "requests":
      return `python-requests/2.${rng.int(28, 32)}.${rng.int(0, 3)}`;
    case "curl":
      return `curl/8.${rng.int(4, 11)}.${rng.int(0, 1)}`;
    case "go":
      return "Go-http-client/2.0";
    case "agent-cli":
      return `claude-cli/1.0.${rng.int(2, 40)} (external, cli)`;
    case "browser": {
      const v = rng.int(128, 137);
      return rng.chance(0.5)
        ? `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`
        : `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
    }
  }
}

/** The endpoint a client family talks to. */
export function apiOf(kind: ClientKind, rng: Rng): "anthropic" | "openai" {
  if (kind === "anthropic-py" || kind === "anthropic-js" || kind === "agent-cli") return "anthropic";
  if (kind === "openai-py" || kind === "openai-js") return "openai";
  return rng.chance(0.5) ? "anthropic" : "openai";
}
