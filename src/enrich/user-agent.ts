/**
 * Client family and version from a User-Agent header. Official SDKs first (they say which language
 * and version), then frameworks that tag their traffic, then generic HTTP libraries, then browsers.
 * The family names are stable identifiers the engine uses to fingerprint orchestrators.
 */
import type { ClientInfo } from "../core/ports/enricher.ts";

type Rule = readonly [RegExp, string | ((m: RegExpExecArray) => string)];

const VERSION = "v?(\\d[\\w.+-]*)";
const lang = (m: RegExpExecArray) => (m[1] ?? "").toLowerCase().replace(/^(js|node|typescript)$/, "js");

/** Ordered rules: the first match wins; group `v` (last group) is the version when present. */
const RULES: readonly Rule[] = [
  // Frameworks that wrap an SDK: their tag tells more than the SDK underneath.
  [new RegExp(`\\blangchain(?:[-_/][a-z]+)*[/ ]${VERSION}`, "i"), "langchain"],
  [/\blangchain/i, "langchain"],
  [new RegExp(`\\bllama[-_]?index[\\w-]*[/ ]${VERSION}`, "i"), "llamaindex"],
  [/\bllama[-_]?index/i, "llamaindex"],
  [new RegExp(`\\blitellm[/ ]${VERSION}`, "i"), "litellm"],
  // Official SDKs.
  [new RegExp(`^anthropic-sdk-(python|typescript|js|go|java|ruby)/${VERSION}`, "i"), (m) => `anthropic-sdk-${lang(m)}`],
  [new RegExp(`^Anthropic/(Python|JS|Go|Java|Ruby|Kotlin|CSharp)\\s+${VERSION}`, "i"), (m) => `anthropic-sdk-${lang(m)}`],
  [new RegExp(`@anthropic-ai/sdk[/ @]${VERSION}`, "i"), "anthropic-sdk-js"],
  [new RegExp(`^(?:Azure)?OpenAI/(Python|JS|Go|Java|Ruby|Kotlin|CSharp|\\.NET)\\s+${VERSION}`, "i"), (m) => `openai-${lang(m).replace(".net", "dotnet")}`],
  [new RegExp(`^openai-(python|node|go|java)/${VERSION}`, "i"), (m) => `openai-${lang(m)}`],
  // HTTP libraries and tools.
  [new RegExp(`python-requests/${VERSION}`, "i"), "python-requests"],
  [new RegExp(`python-httpx/${VERSION}`, "i"), "python-httpx"],
  [new RegExp(`aiohttp/${VERSION}`, "i"), "aiohttp"],
  [new RegExp(`python-urllib3/${VERSION}`, "i"), "urllib3"],
  [new RegExp(`Python-urllib/${VERSION}`, "i"), "python-urllib"],
  [new RegExp(`^curl/${VERSION}`, "i"), "curl"],
  [new RegExp(`^Wget/${VERSION}`, "i"), "wget"],
  [new RegExp(`^Go-http-client/${VERSION}`, "i"), "go-http-client"],
  [new RegExp(`node-fetch(?:/${VERSION})?`, "i"), "node-fetch"],
  [new RegExp(`^(?:undici|node)(?:/${VERSION})?$`, "i"), "undici"],
  [new RegExp(`^axios/${VERSION}`, "i"), "axios"],
  [new RegExp(`^got(?:/${VERSION})?\\b`, "i"), "got"],
  [new RegExp(`^okhttp/${VERSION}`, "i"), "okhttp"],
  [new RegExp(`^Java-http-client/${VERSION}`, "i"), "java"],
  [new RegExp(`^Java/${VERSION}`, "i"), "java"],
  [new RegExp(`^Apache-HttpClient/${VERSION}`, "i"), "java"],
  [new RegExp(`^PostmanRuntime/${VERSION}`, "i"), "postman"],
  [new RegExp(`^insomnia/${VERSION}`, "i"), "insomnia"],
  [new RegExp(`^Faraday v${VERSION}`, "i"), "ruby-faraday"],
  [new RegExp(`^Dart/${VERSION}`, "i"), "dart"],
  [new RegExp(`^reqwest/${VERSION}`, "i"), "reqwest"],
];

const BROWSER_VERSION = /\b(Edg|OPR|Firefox|Chrome|CriOS|Version)\/(\d[\w.]*)/;

/**
 * Classify a User-Agent.
 *
 * @example parseUserAgent("OpenAI/Python 1.82.0") // { family: "openai-python", version: "1.82.0" }
 */
export function parseUserAgent(userAgent: string): ClientInfo {
  const ua = userAgent.trim();
  if (ua === "") return { family: "unknown", version: null };
  for (const [re, family] of RULES) {
    const m = re.exec(ua);
    if (m === null) continue;
    const name = typeof family === "string" ? family : family(m);
    const version = m.length > 1 ? (m[m.length - 1] ?? null) : null;
    return { family: name, version: version === undefined ? null : version };
  }
  if (/^Mozilla\/\d/.test(ua)) {
    const m = BROWSER_VERSION.exec(ua);
    return { family: "browser", version: m === null ? null : `${m[1] === "Version" ? "Safari" : m[1]}/${m[2]}` };
  }
  return { family: "other", version: null };
}
