/**
 * `readAccounts`: the accounts file (contract §2) as a list, read with the same machinery as traffic
 * logs (JSONL, gzip or parquet; bad lines counted, never fatal).
 */
import type { AccountRecord } from "../core/model/traffic.ts";
import { parseAccount } from "../contracts/account.ts";
import { UserError } from "../cli/user-error.ts";
import { gzipFileChunks, plainFileChunks } from "./byte-streams.ts";
import { splitLines } from "./line-splitter.ts";
import { parquetRows } from "./parquet-rows.ts";
import { resolveSources } from "./sources.ts";
import { countBad, createStats, parseLineOrCount } from "./stats.ts";

/** What `readAccounts` returns: the valid accounts in file order and the count of bad lines by reason. */
export interface AccountsRead {
  accounts: AccountRecord[];
  badLines: number;
  badReasons: Record<string, number>;
}

/**
 * Read an accounts file. A second line for an account already read is counted as
 * `duplicate_account_id` and ignored: the first record wins, so an account's attributes cannot
 * change silently halfway through a file.
 *
 * @throws UserError when the file is missing, a directory, or in a format moat cannot read.
 */
export async function readAccounts(path: string): Promise<AccountsRead> {
  const sources = resolveSources([path]);
  if (sources.length !== 1) {
    throw new UserError("ACCOUNTS_MANY", `the accounts option takes one file, but ${JSON.stringify(path)} matches ${sources.length}: name one file`);
  }
  const source = sources[0];
  if (source === undefined || source.kind !== "file") {
    throw new UserError("ACCOUNTS_STDIN", "accounts cannot be read from standard input: pass the accounts file's path");
  }
  const stats = createStats(source.size);
  const accounts: AccountRecord[] = [];
  const seen = new Set<string>();
  const take = (value: unknown) => {
    const r = parseAccount(value);
    if (!r.ok) return countBad(stats, r.reason);
    if (seen.has(r.value.account_id)) return countBad(stats, "duplicate_account_id");
    seen.add(r.value.account_id);
    accounts.push(r.value);
  };
  if (source.format === "parquet") {
    for await (const rows of parquetRows(source.path, source.size, stats)) rows.forEach(take);
  } else {
    const chunks = source.format === "gzip" ? gzipFileChunks(source.path, stats) : plainFileChunks(source.path, stats);
    for await (const lines of splitLines(chunks, stats)) {
      for (const line of lines) {
        const value = parseLineOrCount(line, stats);
        if (value !== undefined) take(value);
      }
    }
  }
  return { accounts, badLines: stats.badLines, badReasons: stats.badReasons };
}
