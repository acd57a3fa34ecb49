/**
 * IP -> ASN + organisation from the `@ip-location-db/asn` npm package (RouteViews + DB-IP, CC-BY-4.0).
 * The CSVs (about 410k IPv4 and 100k IPv6 ranges) are parsed once, on first use, into typed arrays;
 * a lookup is then a binary search. Loading takes a fraction of a second (see bench/enrich.bench.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ParsedIp } from "../core/ports/memory-enricher.ts";
import { parseIpv6 } from "../core/ports/memory-enricher.ts";
import { RangeTable, RangeTableBuilder } from "./ip-ranges.ts";

/** Result of an ASN lookup. */
export interface AsnHit {
  readonly asn: number;
  readonly org: string;
}

/** A loaded ASN database. */
export interface AsnDb {
  lookup(ip: ParsedIp): AsnHit | null;
  /** Ranges loaded, and how long parsing took (ms), for the benchmark and diagnostics. */
  readonly stats: { readonly v4: number; readonly v6: number; readonly loadMs: number };
}

/** Paths of the package's CSV files, found through node's resolver so any install layout works. */
export function asnCsvPaths(): { v4: string; v6: string } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@ip-location-db/asn/package.json");
  const dir = pkg.slice(0, -"package.json".length);
  return { v4: `${dir}asn-ipv4-num.csv`, v6: `${dir}asn-ipv6.csv` };
}

/**
 * Parse the two CSVs into an `AsnDb`. Malformed rows are skipped (the package is generated data;
 * a handful of odd rows must not stop enrichment).
 */
export function loadAsnDb(paths: { v4: string; v6: string } = asnCsvPaths()): AsnDb {
  const started = performance.now();
  const orgs = new Map<number, string>();
  const v4 = new Columns(1);
  const one = [0];
  const two = [0];
  eachRow(readFileSync(paths.v4, "utf8"), (text, pos, c1, c2, c3, nl) => {
    one[0] = digits(text, pos, c1);
    two[0] = digits(text, c1 + 1, c2);
    const asn = digits(text, c2 + 1, c3);
    if (one[0] < 0 || two[0] < 0 || !(asn > 0)) return;
    v4.push(one, two, asn);
    if (!orgs.has(asn)) orgs.set(asn, orgField(text, c3, nl));
  });
  const v6 = new Columns(4);
  eachRow(readFileSync(paths.v6, "utf8"), (text, pos, c1, c2, c3, nl) => {
    const start = parseIpv6(text.slice(pos, c1));
    const end = parseIpv6(text.slice(c1 + 1, c2));
    const asn = digits(text, c2 + 1, c3);
    if (start === null || end === null || !(asn > 0)) return;
    v6.push(start, end, asn);
    if (!orgs.has(asn)) orgs.set(asn, orgField(text, c3, nl));
  });
  const table = v4.sorted && v6.sorted ? RangeTable.fromSorted(v4.done(), v6.done()) : rebuild(v4.done(), v6.done());
  const loadMs = performance.now() - started;
  const size = table.size;
  return {
    stats: { v4: size.v4, v6: size.v6, loadMs },
    lookup(ip: ParsedIp): AsnHit | null {
      const asn = table.lookup(ip);
      return asn < 0 ? null : { asn, org: orgs.get(asn) ?? "" };
    },
  };
}

/** Growable typed columns of ranges (`width` words per bound), noting whether rows came sorted. */
class Columns {
  private s: Uint32Array;
  private e: Uint32Array;
  private v: Int32Array;
  private n = 0;
  sorted = true;

  constructor(private readonly width: number) {
    this.s = new Uint32Array(width * 1024);
    this.e = new Uint32Array(width * 1024);
    this.v = new Int32Array(1024);
  }

  push(start: readonly number[], end: readonly number[], value: number): void {
    const w = this.width;
    if (this.n === this.v.length) {
      const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.s = grow(this.s, (k) => new Uint32Array(k));
      this.e = grow(this.e, (k) => new Uint32Array(k));
      this.v = grow(this.v, (k) => new Int32Array(k));
    }
    const at = this.n * w;
    if (this.n > 0 && this.sorted) {
      for (let k = 0; k < w; k++) {
        const prev = this.s[at - w + k] as number;
        const cur = start[k] as number;
        if (prev !== cur) {
          if (prev > cur) this.sorted = false;
          break;
        }
      }
    }
    for (let k = 0; k < w; k++) {
      this.s[at + k] = start[k] as number;
      this.e[at + k] = end[k] as number;
    }
    this.v[this.n++] = value;
  }

  done(): { s: Uint32Array; e: Uint32Array; v: Int32Array } {
    return { s: this.s.slice(0, this.n * this.width), e: this.e.slice(0, this.n * this.width), v: this.v.slice(0, this.n) };
  }
}

/** Fallback when a future version of the data is not sorted: sort through the builder. */
function rebuild(v4: { s: Uint32Array; e: Uint32Array; v: Int32Array }, v6: { s: Uint32Array; e: Uint32Array; v: Int32Array }): RangeTable {
  const b = new RangeTableBuilder();
  v4.v.forEach((val, i) => b.addV4(v4.s[i] as number, v4.e[i] as number, val));
  v6.v.forEach((val, i) => b.addV6([...v6.s.subarray(i * 4, i * 4 + 4)], [...v6.e.subarray(i * 4, i * 4 + 4)], val));
  return b.build();
}

let shared: AsnDb | null = null;

/** The process-wide ASN database, loaded on first call and reused after. */
export function sharedAsnDb(): AsnDb {
  shared ??= loadAsnDb();
  return shared;
}

/** Walk `start,end,asn,org` rows, handing over the positions of the three commas and the line end. */
function eachRow(text: string, row: (text: string, pos: number, c1: number, c2: number, c3: number, nl: number) => void): void {
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    const c1 = text.indexOf(",", pos);
    const c2 = c1 < 0 ? -1 : text.indexOf(",", c1 + 1);
    const c3 = c2 < 0 ? -1 : text.indexOf(",", c2 + 1);
    if (c3 > 0 && c3 < nl) row(text, pos, c1, c2, c3, nl);
    pos = nl + 1;
  }
}

/** A non-negative decimal integer in text[from, to), or -1. */
function digits(text: string, from: number, to: number): number {
  if (from >= to) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The organisation field after the third comma; may be double-quoted with `""` escapes. */
function orgField(text: string, c3: number, nl: number): string {
  let org = text.slice(c3 + 1, text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
  if (org.startsWith('"')) org = org.slice(1, org.endsWith('"') ? -1 : undefined).replace(/""/g, '"');
  return ownCopy(org);
}

/**
 * A copy of `s` that does not point into the string it was cut from. V8 represents a slice of 13 or more
 * characters as a view of its parent, so keeping the organisation names as slices kept both whole CSV texts
 * (~30 MB) alive for the life of the process: in every scan thread and in the gateway, where it was most of
 * the old generation. Going through UTF-16 bytes copies every code unit as it is.
 */
function ownCopy(s: string): string {
  return Buffer.from(s, "utf16le").toString("utf16le");
}
