import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUserAgent } from "./user-agent.ts";

const cases: ReadonlyArray<readonly [string, string, string | null]> = [
  ["anthropic-sdk-python/0.49.0", "anthropic-sdk-python", "0.49.0"],
  ["Anthropic/Python 0.49.0", "anthropic-sdk-python", "0.49.0"],
  ["Anthropic/JS 0.39.0", "anthropic-sdk-js", "0.39.0"],
  ["@anthropic-ai/sdk/0.20.1", "anthropic-sdk-js", "0.20.1"],
  ["OpenAI/Python 1.82.0", "openai-python", "1.82.0"],
  ["OpenAI/JS 6.1.0", "openai-js", "6.1.0"],
  ["AzureOpenAI/JS 4.0.0", "openai-js", "4.0.0"],
  ["python-requests/2.31.0", "python-requests", "2.31.0"],
  ["python-httpx/0.27.0", "python-httpx", "0.27.0"],
  ["Python/3.11 aiohttp/3.9.1", "aiohttp", "3.9.1"],
  ["curl/8.5.0", "curl", "8.5.0"],
  ["Go-http-client/2.0", "go-http-client", "2.0"],
  ["node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "node-fetch", "1.0"],
  ["undici", "undici", null],
  ["node", "undici", null],
  ["axios/1.6.7", "axios", "1.6.7"],
  ["okhttp/4.12.0", "okhttp", "4.12.0"],
  ["Java-http-client/17.0.2", "java", "17.0.2"],
  ["Java/1.8.0_292", "java", "1.8.0_292"],
  ["langchain-anthropic/0.3.1 anthropic-sdk-python/0.49.0", "langchain", "0.3.1"],
  ["llama-index-llms-openai/0.2.3 OpenAI/Python 1.40.0", "llamaindex", "0.2.3"],
  ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "browser", "Chrome/120.0.0.0"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "browser", "Safari/17.4"],
  ["Mozilla/5.0 (Windows NT 10.0; rv:125.0) Gecko/20100101 Firefox/125.0", "browser", "Firefox/125.0"],
  ["MyOrchestrator/3.1", "other", null],
  ["", "unknown", null],
  ["   ", "unknown", null],
];

test("recognises official SDKs, HTTP libraries, frameworks and browsers with their versions", () => {
  for (const [ua, family, version] of cases) assert.deepEqual(parseUserAgent(ua), { family, version }, ua);
});
