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
  const names = OrgNames.from(orgs);
  const size = table.size;
  // A class, not a closure: a closure made here would share this function's context with the row callbacks
  // above, and with it `orgs` (slices of both CSV texts, ~30 MB) for the life of the table.
  return new LoadedAsnDb(table, names, { v4: size.v4, v6: size.v6, loadMs: performance.now() - started });
}

class LoadedAsnDb implements AsnDb {
  constructor(
    private readonly table: RangeTable,
    private readonly names: OrgNames,
    readonly stats: { readonly v4: number; readonly v6: number; readonly loadMs: number },
  ) {}

  lookup(ip: ParsedIp): AsnHit | null {
    const asn = this.table.lookup(ip);
    return asn < 0 ? null : { asn, org: this.names.get(asn) };
  }
}

/**
 * Organisation names by ASN (~80k of them), kept as one string and two typed arrays instead of a Map of 80k
 * strings. A long-running gateway carries this table in its old generation for its whole life, and every
 * mark-compact marks (and may move) what is there: three objects cost nothing, 80k strings and a Map's
 * backing store do. Nothing in it points into the CSV texts. Until session 5 the Map of names was kept alive
 * by the lookup closure's shared context, and the names were slices of those texts, so ~30 MB stayed alive.
 */
class OrgNames {
  private constructor(
    private readonly asns: Int32Array,
    private readonly ends: Uint32Array,
    private readonly text: string,
  ) {}

  static from(orgs: ReadonlyMap<number, string>): OrgNames {
    const asns = Int32Array.from(orgs.keys()).sort();
    const ends = new Uint32Array(asns.length);
    const parts: string[] = [];
    let at = 0;
    for (let i = 0; i < asns.length; i++) {
      const name = orgs.get(asns[i]!) ?? "";
      parts.push(name);
      at += name.length;
      ends[i] = at;
    }
    return new OrgNames(asns, ends, parts.join(""));
  }

  /** The organisation of `asn`, or "" when the data names none. */
  get(asn: number): string {
    const a = this.asns;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === asn) return this.text.slice(mid === 0 ? 0 : this.ends[mid - 1]!, this.ends[mid]!);
      if (v < asn) lo = mid + 1;
      else hi = mid - 1;
    }
    return "";
  }
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
  return org;
}
