/**
 * A small glob expander for source arguments (`logs/2026-04-*.jsonl.gz`, `logs/**\/*.parquet`), so a
 * quoted pattern works the same on every shell and no dependency is needed. Supports `*`, `?`, `[...]`,
 * `{a,b}` and `**` (any number of directories). Hidden entries are matched only by a pattern that names
 * them with a leading dot; `node_modules` is never entered by `**`.
 */
import { readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";

/** True when `s` contains glob syntax and should be expanded rather than opened as a path. */
export function isGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

/** Expand `{a,b}` alternatives (nested allowed) into plain patterns. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf("{");
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) {
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        const cuts = [open, ...commas, i];
        const out: string[] = [];
        for (let k = 0; k + 1 < cuts.length; k++) {
          const part = pattern.slice((cuts[k] ?? 0) + 1, cuts[k + 1]);
          out.push(...expandBraces(head + part + tail));
        }
        return out;
      }
    } else if (c === "," && depth === 1) commas.push(i);
  }
  return [pattern]; // unbalanced: treat literally
}

/** Compile one path segment (no `/`, no braces) to an anchored regular expression. */
export function segmentToRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += "[" + body.replace(/\\/g, "\\\\") + "]";
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\\]{}]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * Expand one glob pattern to the sorted list of regular files it matches (possibly empty).
 * Relative patterns resolve against `cwd`; returned paths keep the pattern's own form.
 * A file matched together with its gzip (`x.jsonl` and `x.jsonl.gz`) is listed once, as the gzip: the gateway's
 * traffic log has both for a moment while it compresses a file (`trafficLog.compress`), and they hold the same lines.
 */
export function expandGlob(pattern: string, cwd: string = process.cwd()): string[] {
  const found = new Set<string>();
  for (const p of expandBraces(pattern)) {
    const normal = sep === "\\" ? p.replace(/\\/g, "/") : p;
    const absolute = normal.startsWith("/");
    const parts = normal.split("/").filter((s, i) => s !== "" || i === 0);
    if (absolute) parts.shift();
    const base = absolute ? "/" : "";
    walk(base, parts, 0, cwd, found);
  }
  return [...found].filter((f) => !found.has(`${f}.gz`)).sort();
}

function walk(prefix: string, parts: readonly string[], i: number, cwd: string, found: Set<string>): void {
  const real = (p: string) => (p.startsWith("/") ? p : join(cwd, p === "" ? "." : p));
  if (i === parts.length) {
    if (isFile(real(prefix))) found.add(prefix);
    return;
  }
  const seg = parts[i] as string;
  const child = (name: string) => (prefix === "" ? name : prefix.endsWith("/") ? prefix + name : `${prefix}/${name}`);
  if (seg === "**") {
    walk(prefix, parts, i + 1, cwd, found);
    for (const entry of list(real(prefix))) {
      if (entry.dir && !entry.name.startsWith(".") && entry.name !== "node_modules") walk(child(entry.name), parts, i, cwd, found);
    }
    return;
  }
  if (!isGlob(seg)) {
    walk(child(seg), parts, i + 1, cwd, found);
    return;
  }
  const re = segmentToRegExp(seg);
  for (const entry of list(real(prefix))) {
    if (entry.name.startsWith(".") && !seg.startsWith(".")) continue;
    if (!re.test(entry.name)) continue;
    if (i + 1 === parts.length ? !entry.dir : entry.dir) walk(child(entry.name), parts, i + 1, cwd, found);
  }
}

function list(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((d) => ({
      name: d.name,
      dir: d.isDirectory() || (d.isSymbolicLink() && isDir(join(dir, d.name))),
    }));
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
