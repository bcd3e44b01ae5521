import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { DEFAULT_FRAME_LIMITS } from "../stream/frame-parser";
import { toTcp } from "./tcp-frame-socket";
import { XmlStreamFramer, type FramerEvent } from "./xml-stream-framer";

const HEADER = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' to='localhost' version='1.0' xml:lang='de'>`;

function frame(input: (string | Buffer)[], limits = DEFAULT_FRAME_LIMITS): string[] {
  const out: string[] = [];
  const framer = new XmlStreamFramer(limits, (e: FramerEvent) => out.push(e.kind === "frame" ? Buffer.from(e.bytes).toString("utf8") : `ERROR ${e.condition}: ${e.text}`));
  for (const chunk of input) framer.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
  return out;
}

const STREAM = `${HEADER}  <message to='bob@localhost' type='chat'><body>a &gt; b, 'quoted' "x>y" ünïcødé</body></message>\n<presence/><stream:error><x xmlns='urn:x'/></stream:error></stream:stream>`;
const EXPECTED = [
  `<open xmlns="${NS.framing}" to="localhost" version="1.0" xml:lang="de"/>`,
  `<message xmlns='jabber:client' to='bob@localhost' type='chat'><body>a &gt; b, 'quoted' "x>y" ünïcødé</body></message>`,
  `<presence xmlns='jabber:client'/>`,
  `<stream:error xmlns='jabber:client' xmlns:stream='${NS.streams}'><x xmlns='urn:x'/></stream:error>`,
  `<close xmlns="${NS.framing}"/>`,
];

describe("XmlStreamFramer", () => {
  it("turns the header into <open/>, each top-level element into a standalone frame, the end into <close/>", () => {
    expect(frame([STREAM])).toEqual(EXPECTED);
  });

  it("gives the same frames whichever way TCP cuts the bytes (one byte at a time, inside UTF-8 sequences)", () => {
    const bytes = Buffer.from(STREAM, "utf8");
    expect(frame([...bytes].map((b) => Buffer.from([b])))).toEqual(EXPECTED);
    for (const size of [2, 3, 7, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(frame(chunks)).toEqual(EXPECTED);
    }
  });

  it("keeps an element's own namespace and skips whitespace keepalives", () => {
    expect(frame([HEADER, " \n ", `<auth xmlns='${NS.sasl}' mechanism='PLAIN'>AGFsaWNlAHBhc3M=</auth>`, "\n"])).toEqual([
      EXPECTED[0],
      `<auth xmlns='${NS.sasl}' mechanism='PLAIN'>AGFsaWNlAHBhc3M=</auth>`,
    ]);
  });

  it("a new header on the same stream (restart after SASL) is another <open/>", () => {
    expect(frame([HEADER, HEADER]).filter((f) => f.startsWith("<open"))).toHaveLength(2);
  });

  it.each([
    ["a header outside the streams namespace", `<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong' to='localhost'>`, "invalid-namespace"],
    ["a header whose default namespace is not jabber:client", `<stream:stream xmlns='jabber:server' xmlns:stream='${NS.streams}' to='localhost'>`, "invalid-namespace"],
    ["WebSocket framing over TCP", `<open xmlns='${NS.framing}' to='localhost' version='1.0'/>`, "invalid-namespace"],
  ])("reports %s itself", (_name, input, condition) => {
    expect(frame([input])).toEqual([expect.stringMatching(new RegExp(`^ERROR ${condition}: `))]);
  });

  it("hands on what it cannot place, for the frame parser to name (stray text, a mismatched end tag)", () => {
    expect(frame([HEADER, "junk<presence/>"])).toEqual([EXPECTED[0], "junk"]);
    expect(frame([HEADER, "<message><body>x</message><presence/>"])).toEqual([EXPECTED[0], "<message><body>x</message>"]);
  });

  it("hands on a start tag that is not UTF-8 at once: such bytes never become an element worth waiting for", () => {
    const badHeader = Buffer.concat([Buffer.from("<stream:st"), Buffer.from([0xc3, 0x28]), Buffer.from(HEADER.slice(HEADER.indexOf("ream ")))]);
    const out = frame([HEADER, badHeader, "<presence/>"]);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/^<stream:st\uFFFD\(ream /u);
    expect(frame([HEADER, Buffer.concat([Buffer.from("<message to='"), Buffer.from([0xff]), Buffer.from("'>")])])).toHaveLength(2);
  });

  it("hands on an element past the size cap as soon as it passes it, without waiting for its end", () => {
    const out = frame([HEADER, "<message><body>", "a".repeat(2000)], { ...DEFAULT_FRAME_LIMITS, maxBytes: 1000 });
    expect(out).toHaveLength(2);
    expect(Buffer.byteLength(out[1] as string)).toBeGreaterThan(1000);
  });

  it("ignores everything after halt() (bytes sent after <starttls/>) and starts afresh after reset()", () => {
    const out: string[] = [];
    const framer = new XmlStreamFramer(DEFAULT_FRAME_LIMITS, (e) => {
      if (e.kind === "frame") out.push(Buffer.from(e.bytes).toString());
      if (e.kind === "frame" && e.name === "starttls") framer.halt();
    });
    framer.push(Buffer.from(`${HEADER}<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><presence/>`));
    expect(out).toHaveLength(2);
    framer.reset();
    framer.push(Buffer.from(`${HEADER}<presence/>`));
    expect(out.slice(2)).toEqual([EXPECTED[0], `<presence xmlns='jabber:client'/>`]);
  });
});

describe("toTcp (our frames as RFC 6120 output)", () => {
  it("writes <open/> as the stream header and <close/> as its end, and everything else as is", () => {
    expect(toTcp(`<open xmlns="${NS.framing}" from="localhost" id="abc" version="1.0" xml:lang="en"/>`)).toBe(
      `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' from='localhost' id='abc' version='1.0' xml:lang='en'>`,
    );
    expect(toTcp(`<close xmlns="${NS.framing}"/>`)).toBe("</stream:stream>");
    expect(toTcp(`<message xmlns="jabber:client"/>`)).toBe(`<message xmlns="jabber:client"/>`);
  });
});
