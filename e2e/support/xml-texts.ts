import { SaxesParser } from "saxes";

/** Every text node and attribute value of a well-formed XML document (saxes throws on the first error). */
export function xmlTexts(xml: string): { root: string; texts: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const texts: string[] = [];
  let root = "";
  parser.on("error", (err) => {
    throw err;
  });
  parser.on("opentag", (tag) => {
    if (!root) root = tag.local;
    for (const attr of Object.values(tag.attributes)) texts.push(typeof attr === "string" ? attr : attr.value);
  });
  parser.on("text", (text) => texts.push(text));
  parser.write(xml).close();
  return { root, texts };
}
