import { SaxesParser } from "saxes";
import { buildSequence } from "./build";
import { HOSTILE_LANES, hostileSession, XSS_BODY, XSS_NODE, XSS_RESOURCE } from "./hostile-events";
import { LANES, walkThrough } from "./test-events";
import { PALETTES, toSvg } from "./svg";
import { escapeXml } from "./text";

interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parse with saxes (throws on the first well-formedness error) into a small tree. */
function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const root: XmlNode = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlNode[] = [root];
  parser.on("error", (e) => {
    throw e;
  });
  parser.on("opentag", (tag) => {
    const node: XmlNode = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: "" };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", (t) => {
    for (const node of stack) node.text += t;
  });
  parser.write(xml).close();
  return root.children[0]!;
}

function all(node: XmlNode): XmlNode[] {
  return [node, ...node.children.flatMap(all)];
}

const ALLOWED = new Set(["svg", "title", "desc", "defs", "marker", "path", "rect", "g", "text", "tspan", "line"]);

describe("toSvg", () => {
  const w = walkThrough();
  const model = buildSequence(w.events, { lanes: LANES });

  it("is a standalone, well-formed SVG document with a title and the lanes' names", () => {
    const svg = toSvg(model);
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    expect(root.attributes.role).toBe("img");
    expect(Number(root.attributes.width)).toBeGreaterThan(0);
    expect(root.children.find((c) => c.name === "title")?.text).toBe("XMPP push sequence");
    const lanes = root.children.filter((c) => c.name === "g" && c.attributes.class?.startsWith("lane "));
    expect(lanes.map((g) => g.children.filter((c) => c.name === "text")[0]!.text)).toEqual(["bob", "localhost", "alice/phone", "alice/laptop", "pushsvc/sink"]);
    expect(lanes.map((g) => g.attributes["aria-label"])).toEqual([
      "bob (sender)",
      "localhost (XMPP server)",
      "alice/phone (account resource)",
      "alice/laptop (account resource)",
      "pushsvc/sink (App Server)",
    ]);
  });

  it("draws one group per row, tagged with its event id, arrows labelled", () => {
    const root = parseXml(toSvg(model));
    const rows = all(root).filter((n) => n.name === "g" && n.attributes.class?.startsWith("row "));
    expect(rows.map((g) => g.attributes["data-event-id"])).toEqual(model.rows.map((r) => r.eventId));
    const push = rows.find((g) => g.attributes["data-event-id"] === w.ids.push)!;
    expect(push.attributes.class).toBe("row arrow publish tone-push");
    expect(push.children.find((c) => c.name === "text")?.text).toContain("push: publish node n-3f9a");
    const notPushed = rows.find((g) => g.attributes["data-event-id"] === w.ids.notPushed)!;
    expect(notPushed.children.find((c) => c.name === "title")?.text).toBe(
      "bob → localhost: chat “Are you there?”; not pushed: alice/laptop is online (available): it gets the message [spec/online-session]",
    );
    expect(notPushed.children.find((c) => c.name === "text")?.text).toContain("✗ not pushed");
  });

  it("has a light and a dark theme", () => {
    const light = parseXml(toSvg(model, { theme: "light" }));
    const dark = parseXml(toSvg(model, { theme: "dark" }));
    const background = (root: XmlNode) => root.children.find((c) => c.name === "rect")!.attributes.fill;
    expect(background(light)).toBe(PALETTES.light.background);
    expect(background(dark)).toBe(PALETTES.dark.background);
    expect(PALETTES.light.background).not.toBe(PALETTES.dark.background);
  });

  it("outlines the selected event's row", () => {
    const root = parseXml(toSvg(model, { selectedEventId: w.ids.push }));
    const outlined = all(root).filter((n) => n.name === "rect" && n.attributes.stroke === PALETTES.light.selected);
    expect(outlined).toHaveLength(1);
  });

  it("escapes hostile resource names, bodies and nodes: no element or attribute they could inject", () => {
    const hostile = buildSequence(hostileSession(), { lanes: HOSTILE_LANES });
    for (const theme of ["light", "dark"] as const) {
      const svg = toSvg(hostile, { theme, title: `<script>alert("t")</script>` });
      const root = parseXml(svg);
      const nodes = all(root);
      expect(nodes.filter((n) => !ALLOWED.has(n.name))).toEqual([]);
      for (const n of nodes) for (const name of Object.keys(n.attributes)) expect(name.startsWith("on"), `${n.name}@${name}`).toBe(false);
      // The hostile text is there, as text.
      expect(root.text).toContain(XSS_RESOURCE);
      expect(root.text).toContain(XSS_BODY);
      expect(root.text).toContain(XSS_NODE);
      expect(svg).not.toContain("<script");
      expect(svg).not.toContain("<img");
    }
  });

  it("replaces characters XML cannot carry instead of writing an unreadable document", () => {
    const hostile = buildSequence(hostileSession(), { lanes: HOSTILE_LANES });
    const root = parseXml(toSvg(hostile));
    expect(root.text).toContain("bell\uFFFD and half a pair \uFFFD.");
  });
});

describe("escapeXml", () => {
  it("escapes markup and both quotes, keeps surrogate pairs, replaces what XML forbids", () => {
    expect(escapeXml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;&lt;/a&gt;");
    expect(escapeXml("emoji 😀 ok")).toBe("emoji 😀 ok");
    expect(escapeXml("\u0000\u001F\uFFFE\uDC00x\uD800")).toBe("\uFFFD\uFFFD\uFFFD\uFFFDx\uFFFD");
    expect(escapeXml("tab\tnew\nline\r")).toBe("tab\tnew\nline\r");
  });
});
