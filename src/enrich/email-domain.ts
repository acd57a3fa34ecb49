/**
 * E-mail domain classes. Free and disposable providers come from the `freemail` package's lists
 * (about 4.5k free and 88k disposable domains), read once into Sets: the package's own functions scan
 * an array per call, too slow for a gateway. A few large free providers missing from it are added.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { EmailClass } from "../core/ports/enricher.ts";

/** Free providers absent from freemail 1.7's list (checked by hand). */
const EXTRA_FREE = ["proton.me", "pm.me", "protonmail.ch", "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "hey.com", "duck.com", "skiff.com"];

/** Loaded domain lists. */
export interface DomainLists {
  readonly free: ReadonlySet<string>;
  readonly disposable: ReadonlySet<string>;
}

let shared: DomainLists | null = null;

/** The freemail lists, loaded on first use. */
export function sharedDomainLists(): DomainLists {
  if (shared === null) {
    const require = createRequire(import.meta.url);
    const dir = require.resolve("freemail/package.json").slice(0, -"package.json".length);
    const read = (name: string) =>
      readFileSync(`${dir}data/${name}`, "utf8")
        .split("\n")
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0 && !s.startsWith("#"));
    const disposable = new Set(read("disposable.txt"));
    const free = new Set([...read("free.txt"), ...EXTRA_FREE]);
    shared = { free, disposable };
  }
  return shared;
}

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/** `.edu`, and academic second levels under a country code: `.ac.uk`, `.edu.cn`, `.ac.jp`, ... */
const EDUCATION = /(?:^|\.)edu$|(?:^|\.)(?:ac|edu)\.[a-z]{2}$/;

/**
 * Normalise what a caller passes as a domain: lower case, no surrounding space or trailing dot,
 * and the part after `@` when a whole address is given.
 */
export function normaliseDomain(input: string): string {
  let d = input.trim().toLowerCase();
  const at = d.lastIndexOf("@");
  if (at >= 0) d = d.slice(at + 1);
  return d.replace(/\.+$/, "");
}

/**
 * Class of an e-mail domain: `disposable`, `free` (the domain or a parent of it is listed),
 * `education`, `corporate` for any other well-formed domain, `unknown` for empty or malformed input.
 *
 * @example classifyEmailDomain("mail.ox.ac.uk") // "education"
 */
export function classifyEmailDomain(input: string, lists: DomainLists = sharedDomainLists()): EmailClass {
  const d = normaliseDomain(input);
  if (d === "" || !HOSTNAME.test(d)) return "unknown";
  // Walk up the labels so "eu.mailinator.com" is caught by "mailinator.com".
  let free = false;
  for (let s = d; s.includes("."); s = s.slice(s.indexOf(".") + 1)) {
    if (lists.disposable.has(s)) return "disposable";
    if (lists.free.has(s)) free = true;
  }
  if (free) return "free";
  if (EDUCATION.test(d)) return "education";
  return "corporate";
}
