/**
 * Reading parquet through DuckDB, one vector (about 2,048 rows) at a time, and turning each row into
 * the plain JSON value a JSONL line would have held: timestamps as RFC 3339 strings, 64-bit integers
 * as numbers, `request` parsed when it was stored as a JSON string, and struct fields that are `null`
 * left out (a parquet struct column gives every row every key; the client's body did not have them).
 */
import type { IngestStats } from "./stats.ts";

/** Columns that hold a JSON object and may be stored as a JSON string. */
const JSON_OBJECT_COLUMNS = new Set(["request"]);

/**
 * Yield batches of row objects from a parquet file. `stats.lines` counts rows; `stats.bytesRead` grows
 * by the file size in proportion to the rows read (parquet is columnar, so there is no byte offset).
 */
export async function* parquetRows(path: string, size: number, stats: IngestStats): AsyncGenerator<Record<string, unknown>[]> {
  // Loaded on first use: DuckDB takes ~200 ms to load, which every JSONL scan (and each of its threads) would pay.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const counted = await connection.runAndReadAll("SELECT count(*) AS n FROM read_parquet($1)", [path]);
    const total = Number(counted.getRowObjectsJS()[0]?.n ?? 0);
    const result = await connection.stream("SELECT * FROM read_parquet($1)", [path]);
    let rows = 0;
    let credited = 0;
    for await (const batch of result.yieldRowObjectJs()) {
      const out = batch.map(toRecord);
      rows += out.length;
      stats.lines += out.length;
      const target = total > 0 ? Math.round((size * rows) / total) : size;
      stats.bytesRead += target - credited;
      credited = target;
      yield out;
    }
    stats.bytesRead += size - credited;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function toRecord(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    if (JSON_OBJECT_COLUMNS.has(key) && typeof value === "string" && value.trimStart().startsWith("{")) {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // Left as the string: the event check then counts it as bad_field:request.
      }
    }
    out[key] = toJson(value, true);
  }
  return out;
}

function toJson(value: unknown, keepNull: boolean): unknown {
  if (value === null) return keepNull ? null : undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  if (Array.isArray(value)) return value.map((v) => toJson(v, true));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const j = toJson(v, false);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return value;
}
