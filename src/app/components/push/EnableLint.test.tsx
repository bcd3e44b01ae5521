// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { lintEnableElement } from "../../../protocol/stanzas/enable-lint";
import { parseXml } from "../../../protocol/stanzas/parse";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { EnableLintFindings } from "./EnableLint";
import { PushPanel } from "./PushPanel";

function setup() {
  const stores = makeStores();
  stores.sessions.getState().upsert(session({ id: "res-1", resource: "r1" }));
  stores.sessions.getState().upsert(session({ id: "sink", role: "sink", resource: "sink", label: "pushsvc/sink", account: "pushsvc@localhost" }));
  const user = userEvent.setup();
  return { ...renderWith(<PushPanel />, createFakePlayground(stores)), user };
}

const check = () => within(screen.getByRole("group", { name: "Enable check before sending" }));

describe("EnableLint under the enable form", () => {
  it("says every policy accepts the default enable", () => {
    setup();
    expect(check().getByText("All four policies (spec, tigase, prosody, ejabberd) would accept it.")).toBeInTheDocument();
    expect(check().queryByText("error")).not.toBeInTheDocument();
  });

  it("flags a bare sink JID before sending, linking the doc section", async () => {
    const { user } = setup();
    const jid = screen.getByLabelText("Push service jid");
    await user.clear(jid);
    await user.type(jid, "pushsvc@localhost");
    const item = check().getByText(/is the sink's bare JID/).closest("li")!;
    expect(item).toHaveAttribute("data-code", "jid-bare-sink");
    expect(within(item).getByText("error")).toBeInTheDocument();
    expect(within(item).getByText("(docs/push-semantics.md §0.3)")).toBeInTheDocument();
    expect(within(item).getByRole("link", { name: "XEP-0357 §6" })).toHaveAttribute("href", "https://xmpp.org/extensions/xep-0357.html#enabling");
  });

  it("says which field holds a character XML does not allow, which one and where, as it is typed", () => {
    setup();
    fireEvent.change(screen.getByLabelText("Node"), { target: { value: "ab\u0007" } });
    const item = check().getByText(/^The node contains U\+0007 \(a control character\) at character 3/).closest("li")!;
    expect(item).toHaveAttribute("data-code", "xml-text");
    expect(within(item).getByText("error")).toBeInTheDocument();
    expect(within(item).getByRole("link", { name: "XML 1.0 §2.2" })).toHaveAttribute("href", "https://www.w3.org/TR/xml/#charsets");
  });
});

describe("EnableLintFindings", () => {
  it("renders stanza content as text, never as HTML, and links the XEP section", () => {
    const iq = parseXml(`<iq type='set' id='e'><enable xmlns='urn:xmpp:push:0' jid='a@b/c' node='n' away='&lt;img src=x onerror=alert(1)&gt;'>
      <x xmlns='jabber:x:data' type='form'/></enable></iq>`);
    const result = lintEnableElement(iq, {})!;
    const { container } = renderWith(<EnableLintFindings result={result} />, createFakePlayground());
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByText(/away='<img src=x onerror=alert\(1\)>' is not a boolean/)).toBeInTheDocument();
    const link = screen.getAllByRole("link", { name: "XEP-0357 §6 (publish options)" })[0]!;
    expect(link).toHaveAttribute("href", "https://xmpp.org/extensions/xep-0357.html#enabling");
    expect(link).toHaveAttribute("rel", "noreferrer noopener");
  });
});
