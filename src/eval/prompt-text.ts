/**
 * The text a simple rule would look at in one exchange: the system prompt plus the latest user turn,
 * from either API shape (string or content-block content), or the plain `prompt` field.
 */
import type { TrafficEvent } from "../core/model/traffic.ts";

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const block of content) {
    if (typeof block === "object" && block !== null && (block as { type?: unknown }).type === "text") {
      const text = (block as { text?: unknown }).text;
      if (typeof text === "string") out += (out === "" ? "" : "\n") + text;
    }
  }
  return out;
}

/** System prompt + last user message text of an exchange ("" when it has none). */
export function promptText(event: TrafficEvent): string {
  const req = event.request;
  if (req === undefined) return event.prompt ?? "";
  let system = contentText(req["system"]);
  let lastUser = "";
  const messages = req["messages"];
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (typeof m !== "object" || m === null) continue;
      const role = (m as { role?: unknown }).role;
      const content = (m as { content?: unknown }).content;
      if (role === "system" || role === "developer") system += (system === "" ? "" : "\n") + contentText(content);
      else if (role === "user") {
        const text = contentText(content);
        // A user turn that only carries tool results keeps the earlier instruction as "the prompt".
        if (text !== "") lastUser = text;
      }
    }
  }
  if (lastUser === "" && event.prompt !== undefined) lastUser = event.prompt;
  return system === "" ? lastUser : `${system}\n${lastUser}`;
}
