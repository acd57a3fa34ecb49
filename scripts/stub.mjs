#!/usr/bin/env node
// `npm run stub [-- --port 8788]`: a local stand-in for the Anthropic Messages and OpenAI Chat Completions APIs
// (JSON and streams, thinking blocks and reasoning_content, usage, provider-key checks), to try `moat serve`
// without a provider account. The same stub the gateway's tests use (src/gateway/testing/upstream-stub.ts).
import { register } from "tsx/esm/api";
import { parseArgs } from "node:util";

register();
const { startUpstreamStub } = await import("../src/gateway/testing/upstream-stub.ts");
const { values } = parseArgs({ options: { port: { type: "string", default: "8788" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`stub: --port must be a port number, got ${values.port}`);
  process.exit(2);
}
try {
  const stub = await startUpstreamStub({ anthropicKey: "sk-ant-stub", openaiKey: "sk-stub", port, record: false });
  console.log(`stub upstream on ${stub.url}: it accepts the provider keys sk-ant-stub (Anthropic) and sk-stub (OpenAI). Ctrl-C stops it.`);
} catch (e) {
  console.error(`stub: cannot listen on 127.0.0.1:${port} (${e?.code ?? e}); pick another with --port`);
  process.exit(2);
}
