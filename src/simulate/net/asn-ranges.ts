/**
 * Edge loader: reads the address ranges of a set of ASNs from the @ip-location-db/asn CSVs in
 * node_modules (RouteViews + DB-IP, CC-BY-4.0). Streams the files once and keeps only the wanted
 * ASNs, so memory stays small (a few thousand ranges) whatever the file size.
 */
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Address ranges of one ASN: IPv4 as numbers, IPv6 as bigints (inclusive bounds). */
export interface AsnRanges {
  readonly org: string;
  readonly v4: { start: number; end: number }[];
  readonly v6: { start: bigint; end: bigint }[];
}

/** Locates the data package's folder. */
export function asnDataDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("@ip-location-db/asn/package.json"));
}

/** Splits one CSV row `start,end,asn,org` where org may be quoted and contain commas. */
function parseRow(line: string): [string, string, number, string] | null {
  const a = line.indexOf(",");
  const b = line.indexOf(",", a + 1);
  const c = line.indexOf(",", b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"')) org = org.slice(1, org.endsWith('"') ? -1 : undefined).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), Number(line.slice(b + 1, c)), org];
}

async function scan(path: string, onLine: (line: string) => void): Promise<void> {
  let rest = "";
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let from = 0;
    for (let nl = text.indexOf("\n", from); nl >= 0; nl = text.indexOf("\n", from)) {
      onLine(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest.length > 0) onLine(rest);
}

/**
 * Loads the ranges of `asns` from the numeric IPv4 and IPv6 CSVs.
 * Throws if the data package is missing (it is a declared dependency, so that means a broken install).
 */
export async function loadAsnRanges(asns: ReadonlySet<number>, dir = asnDataDir()): Promise<Map<number, AsnRanges>> {
  const out = new Map<number, AsnRanges>();
  const get = (asn: number, org: string): AsnRanges => {
    let r = out.get(asn);
    if (r === undefined) {
      r = { org, v4: [], v6: [] };
      out.set(asn, r);
    }
    return r;
  };
  await scan(join(dir, "asn-ipv4-num.csv"), (line) => {
    const row = parseRow(line);
    if (row === null || !asns.has(row[2])) return;
    get(row[2], row[3]).v4.push({ start: Number(row[0]), end: Number(row[1]) });
  });
  await scan(join(dir, "asn-ipv6-num.csv"), (line) => {
    const row = parseRow(line);
    if (row === null || !asns.has(row[2])) return;
    get(row[2], row[3]).v6.push({ start: BigInt(row[0]), end: BigInt(row[1]) });
  });
  return out;
}
