/**
 * A flat, API-shape-independent view of one request's prompt: what the per-request analysers
 * (CoT detector, category, skeleton, MinHash) and the parameter fingerprint need.
 *
 * Reads both shapes the traffic contract allows (Anthropic Messages and OpenAI Chat
 * Completions, plus the OpenAI Responses `input`/`instructions` form and legacy `prompt`),
 * and never throws: the body comes straight from the client, so every field is checked
 * before use and junk is skipped.
 */
import { combine32, fmix32, hex32 } from "./hash.ts";

/** What the analysers see of one request. */
export interface PromptView {
  /** System / developer instructions, joined with "\n". */
  system: string;
  /**
   * Text of the last user turn that contains typed text. Tool results travel in user turns
   * (Anthropic) but are not typed by a person, so a turn holding only tool results does not
   * count: in an agent loop `lastUser` stays the task the loop works on.
   */
  lastUser: string;
  /** Typed text of every user turn, in order (one entry per turn with text). */
  userTexts: string[];
  /** Conversation turns (user, assistant and tool messages; system messages excluded). */
  turns: number;
  assistantTurns: number;
  /** Names of the tools defined in the request, in definition order, without repeats. */
  toolNames: string[];
  /** Stable 64-bit hex hash of the tool definitions (names + parameter schemas), or null. */
  toolSchemaHash: string | null;
  /** The conversation contains a tool call (tool_use block, tool_calls, function_call). */
  hasToolUse: boolean;
  /** The conversation contains a tool result (tool_result block, role "tool"/"function"). */
  hasToolResult: boolean;
  /** Characters of all text in the request (system, messages, tool results). */
  chars: number;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Mutable accumulator while walking one request. */
interface Acc {
  system: string[];
  userTexts: string[];
  lastUser: string;
  turns: number;
  assistantTurns: number;
  hasToolUse: boolean;
  hasToolResult: boolean;
  chars: number;
  usedTools: string[];
}

/**
 * Builds the {@link PromptView} of one exchange from its request body and/or plain prompt.
 * When the body yields no user text, `prompt` stands in as the single user turn.
 *
 * @example
 * viewPrompt({ messages: [{ role: "user", content: "What is 17*23?" }] }, undefined).lastUser // "What is 17*23?"
 */
export function viewPrompt(request: Obj | undefined, prompt: string | undefined): PromptView {
  const acc: Acc = {
    system: [],
    userTexts: [],
    lastUser: "",
    turns: 0,
    assistantTurns: 0,
    hasToolUse: false,
    hasToolResult: false,
    chars: 0,
    usedTools: [],
  };
  let toolNames: string[] = [];
  let toolSchemaHash: string | null = null;
  try {
    if (isObj(request)) {
      readSystem(request["system"], acc);
      readSystem(request["instructions"], acc);
      if (Array.isArray(request["messages"])) readMessages(request["messages"], acc);
      const input = request["input"];
      if (typeof input === "string") addUser(input, acc);
      else if (Array.isArray(input)) readMessages(input, acc);
      if (acc.userTexts.length === 0 && typeof request["prompt"] === "string") addUser(request["prompt"], acc);
      const tools = readTools(request);
      toolNames = tools.names;
      toolSchemaHash = tools.hash;
    }
  } catch {
    // A hostile body (getters, proxies) must not break the request path: keep what was read.
  }
  if (acc.userTexts.length === 0 && typeof prompt === "string" && prompt.length > 0) addUser(prompt, acc);
  return {
    system: acc.system.join("\n"),
    lastUser: acc.lastUser,
    userTexts: acc.userTexts,
    turns: acc.turns,
    assistantTurns: acc.assistantTurns,
    toolNames: toolNames.length > 0 ? toolNames : dedupe(acc.usedTools),
    toolSchemaHash,
    hasToolUse: acc.hasToolUse,
    hasToolResult: acc.hasToolResult,
    chars: acc.chars,
  };
}

function addUser(text: string, acc: Acc): void {
  acc.userTexts.push(text);
  acc.lastUser = text;
  acc.turns++;
  acc.chars += text.length;
}

function readSystem(v: unknown, acc: Acc): void {
  const text = typeof v === "string" ? v : Array.isArray(v) ? blocksText(v, acc, false) : "";
  if (text.length > 0) {
    acc.system.push(text);
    acc.chars += text.length;
  }
}

function readMessages(messages: readonly unknown[], acc: Acc): void {
  for (const m of messages) {
    if (!isObj(m)) continue;
    const role = typeof m["role"] === "string" ? m["role"] : undefined;
    const type = typeof m["type"] === "string" ? m["type"] : undefined;
    if (role === "system" || role === "developer") {
      readSystem(m["content"], acc);
      continue;
    }
    if (role === undefined && type !== undefined) {
      readResponsesItem(m, type, acc);
      continue;
    }
    acc.turns++;
    if (role === "assistant" || role === "model") {
      acc.assistantTurns++;
      acc.chars += contentText(m["content"], acc).length;
      readOpenAiCalls(m, acc);
    } else if (role === "tool" || role === "function") {
      acc.hasToolResult = true;
      acc.chars += contentText(m["content"], acc).length;
    } else {
      // "user" and unknown roles: treat as the person's side of the conversation.
      const text = contentText(m["content"], acc);
      acc.chars += text.length;
      if (text.length > 0) {
        acc.userTexts.push(text);
        acc.lastUser = text;
      }
    }
  }
}

/** OpenAI Responses API items without a role: function calls and their outputs. */
function readResponsesItem(m: Obj, type: string, acc: Acc): void {
  acc.turns++;
  if (type === "function_call" || type === "custom_tool_call") {
    acc.hasToolUse = true;
    if (typeof m["name"] === "string") acc.usedTools.push(m["name"]);
    acc.assistantTurns++;
  } else if (type === "function_call_output" || type === "custom_tool_call_output") {
    acc.hasToolResult = true;
    const out = m["output"];
    if (typeof out === "string") acc.chars += out.length;
  }
}

function readOpenAiCalls(m: Obj, acc: Acc): void {
  const calls = m["tool_calls"];
  if (Array.isArray(calls) && calls.length > 0) {
    acc.hasToolUse = true;
    for (const c of calls) {
      if (isObj(c) && isObj(c["function"]) && typeof c["function"]["name"] === "string") {
        acc.usedTools.push(c["function"]["name"]);
      }
    }
  }
  const fc = m["function_call"];
  if (isObj(fc)) {
    acc.hasToolUse = true;
    if (typeof fc["name"] === "string") acc.usedTools.push(fc["name"]);
  }
}

/**
 * Typed text of a message's content (string or blocks). Tool results and thinking blocks
 * are counted in `chars` but kept out of the returned text.
 */
function contentText(content: unknown, acc: Acc): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return blocksText(content, acc, true);
  if (isObj(content)) return blocksText([content], acc, true);
  return "";
}

function blocksText(blocks: readonly unknown[], acc: Acc, inMessage: boolean): string {
  let out = "";
  for (const b of blocks) {
    if (typeof b === "string") {
      out = out.length > 0 ? out + "\n" + b : b;
      continue;
    }
    if (!isObj(b)) continue;
    const type = b["type"];
    if (typeof b["text"] === "string" && (type === undefined || type === "text" || type === "input_text" || type === "output_text")) {
      const t = b["text"];
      out = out.length > 0 ? out + "\n" + t : t;
    } else if (!inMessage) {
      continue;
    } else if (type === "tool_use" || type === "server_tool_use" || type === "mcp_tool_use") {
      acc.hasToolUse = true;
      if (typeof b["name"] === "string") acc.usedTools.push(b["name"]);
    } else if (type === "tool_result" || type === "mcp_tool_result" || (typeof type === "string" && type.endsWith("_tool_result"))) {
      acc.hasToolResult = true;
      acc.chars += toolResultChars(b["content"]);
    } else if (type === "thinking" && typeof b["thinking"] === "string") {
      acc.chars += b["thinking"].length;
    }
  }
  return out;
}

function toolResultChars(c: unknown): number {
  if (typeof c === "string") return c.length;
  if (!Array.isArray(c)) return 0;
  let n = 0;
  for (const b of c) if (isObj(b) && typeof b["text"] === "string") n += b["text"].length;
  return n;
}

/** Tool definitions of either shape: Anthropic `{name, input_schema}`, OpenAI `{type:"function", function:{name, parameters}}`, legacy `functions`. */
function readTools(request: Obj): { names: string[]; hash: string | null } {
  const defs: Array<{ name: string; schema: unknown }> = [];
  for (const key of ["tools", "functions"] as const) {
    const tools = request[key];
    if (!Array.isArray(tools)) continue;
    for (const t of tools) {
      if (!isObj(t)) continue;
      const fn = isObj(t["function"]) ? t["function"] : t;
      const name = typeof fn["name"] === "string" ? fn["name"] : typeof t["type"] === "string" ? t["type"] : "";
      const schema = fn["input_schema"] ?? fn["parameters"] ?? (t["type"] !== "function" ? t["type"] : undefined) ?? null;
      defs.push({ name, schema });
    }
  }
  if (defs.length === 0) return { names: [], hash: null };
  // The set of tools: a commutative sum of per-tool hashes (tool order does not matter).
  const state = { budget: 20_000 };
  let s1 = 0;
  let s2 = 0;
  for (const d of defs) {
    hashString(d.name, 7);
    const n1 = H1;
    const n2 = H2;
    hashValue(d.schema, 0, state);
    s1 = (s1 + fmix32(combine32(n1, H1))) | 0;
    s2 = (s2 + fmix32(combine32(n2 ^ 0x5bd1e995, H2))) | 0;
  }
  return { names: dedupe(defs.map((d) => d.name).filter((n) => n.length > 0)), hash: hex32(fmix32(s1 ^ defs.length)) + hex32(fmix32(s2 + defs.length)) };
}

/**
 * 64-bit structural hash of a JSON-like value, in H1 and H2 (two independent lanes), with
 * object keys in any order giving the same hash (a commutative sum of per-key hashes): two
 * clients that serialise one schema in different key order match. One walk, no strings
 * built and no keys sorted (a large tool set used to cost several times its JSON.parse).
 * Bounded in depth and size: a pathological schema hashes a truncated walk, still
 * deterministically.
 */
let H1 = 0;
let H2 = 0;

function hashValue(v: unknown, depth: number, state: { budget: number }): void {
  if (--state.budget < 0 || depth > 32) {
    H1 = 0x2c1b3c6d;
    H2 = 0x297a2d39;
  } else if (typeof v === "string") hashString(v, 1);
  else if (typeof v === "number") hashString(String(v), 2);
  else if (typeof v === "boolean") {
    H1 = v ? 0x68e31da4 : 0x1b56c4e9;
    H2 = v ? 0x0b4a7b39 : 0x7feb352d;
  } else if (Array.isArray(v)) {
    let a1 = 0x3a8f05c5;
    let a2 = 0x6c8e9cf5;
    for (const x of v) {
      hashValue(x, depth + 1, state);
      a1 = combine32(a1, H1);
      a2 = combine32(a2 ^ 0x27d4eb2f, H2);
    }
    H1 = fmix32(a1 ^ v.length);
    H2 = fmix32(a2 + v.length);
  } else if (isObj(v)) {
    let s1 = 0;
    let s2 = 0;
    let n = 0;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      hashString(k, 3);
      const k1 = H1;
      const k2 = H2;
      hashValue(v[k], depth + 1, state);
      s1 = (s1 + fmix32(combine32(k1, H1))) | 0;
      s2 = (s2 + fmix32(combine32(k2 ^ 0x165667b1, H2))) | 0;
      n++;
    }
    H1 = fmix32(s1 ^ Math.imul(n, 0x9e3779b1));
    H2 = fmix32(s2 + Math.imul(n, 0x85ebca6b));
  } else {
    H1 = 0x4cf5ad43;
    H2 = 0x2545f491;
  }
}

/** Two FNV-1a lanes over the code units of `s`, finished with the type tag and length. */
function hashString(s: string, tag: number): void {
  let h1 = 0x811c9dc5 ^ tag;
  let h2 = 0x050c5d1f ^ tag;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193 + 0x1000);
  }
  H1 = fmix32(h1 ^ s.length);
  H2 = fmix32(h2 + s.length * 31);
}

function dedupe(xs: readonly string[]): string[] {
  return xs.length < 2 ? [...xs] : [...new Set(xs)];
}
