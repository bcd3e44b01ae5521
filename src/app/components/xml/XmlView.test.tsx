// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { XmlView } from "./XmlView";

describe("XmlView", () => {
  it("pretty-prints and highlights tags, attributes and values as spans", () => {
    const { container } = render(<XmlView xml={`<message to="alice@localhost" type="chat"><body>hi</body></message>`} label="Stanza XML" />);
    const pre = screen.getByLabelText("Stanza XML");
    expect(pre.textContent).toBe(`<message to="alice@localhost" type="chat">\n  <body>hi</body>\n</message>`);
    expect([...container.querySelectorAll(".xt-tag")].map((e) => e.textContent)).toEqual(["message", "body", "body", "message"]);
    expect([...container.querySelectorAll(".xt-attr")].map((e) => e.textContent)).toEqual(["to", "type"]);
    expect([...container.querySelectorAll(".xt-value")].map((e) => e.textContent)).toEqual(['"alice@localhost"', '"chat"']);
  });

  it("marks namespace declarations apart from other attributes", () => {
    const { container } = render(<XmlView xml={`<query xmlns="http://jabber.org/protocol/disco#info"/>`} />);
    expect(container.querySelector(".xt-ns")).toHaveTextContent("xmlns");
  });

  it("renders markup inside bodies and attributes as inert text (XSS)", () => {
    const payload = `<message><body>&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;</body><x a="&quot;&gt;&lt;img src=y onerror=alert(3)&gt;"/></message>`;
    const { container } = render(<XmlView xml={payload} label="XML" />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByLabelText("XML").textContent).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("shows malformed input as received, with the parser's complaint, and still creates no elements", () => {
    const { container } = render(<XmlView xml={`<body><img src=x onerror=alert(1)><script>alert(1)</script>`} label="XML" />);
    expect(screen.getByRole("note")).toHaveTextContent(/Not well-formed XML/);
    expect(screen.getByLabelText("XML").textContent).toBe(`<body><img src=x onerror=alert(1)><script>alert(1)</script>`);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
  });

  it("highlights masked SASL credentials and search matches", () => {
    const { container } = render(
      <XmlView xml={`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">•••</auth>`} highlight="plain" />,
    );
    expect(container.querySelector(".xt-masked")).toHaveTextContent("•••");
    expect(container.querySelector("mark")).toHaveTextContent("PLAIN");
  });

  it("keeps a one-line frame unformatted in inline mode", () => {
    render(<XmlView xml={`<presence><show>away</show></presence>`} inline label="frame" />);
    expect(screen.getByLabelText("frame").textContent).toBe(`<presence><show>away</show></presence>`);
  });
});
