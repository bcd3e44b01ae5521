/**
 * Test helper: parse a WebSocket frame exactly as xmpp.js 0.14 does on receipt (@xmpp/websocket's
 * FramedParser), so parsers are tested on the elements the app really gets. Only tests import it.
 */
import type { Element } from "@xmpp/xml";

interface FramedParserLike {
  on(event: "element" | "start" | "end", listener: (el: Element) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  write(data: string): void;
}

// A non-literal specifier: the package ships no types for this internal module.
const FRAMED_PARSER = "@xmpp/websocket/lib/FramedParser.js";

export async function parseFrame(frame: string): Promise<Element> {
  const mod = (await import(/* @vite-ignore */ FRAMED_PARSER)) as { default: new () => FramedParserLike };
  const parser = new mod.default();
  let result: Element | null = null;
  let error: Error | null = null;
  parser.on("element", (el) => {
    result = el;
  });
  parser.on("start", (el) => {
    result = el;
  });
  parser.on("end", (el) => {
    result = el;
  });
  parser.on("error", (err) => {
    error = err;
  });
  parser.write(frame);
  if (error) throw error;
  if (!result) throw new Error(`no complete element in frame: ${frame}`);
  return result;
}
