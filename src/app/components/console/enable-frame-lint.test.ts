import { describe, expect, it } from "vitest";
import { lintEnableFrame } from "./enable-frame-lint";

const SINK = "pushsvc@localhost/sink";

describe("lintEnableFrame", () => {
  it("lints an enable frame as sent on the wire", () => {
    const frame = `<iq type="set" id="enable-1" xmlns="jabber:client"><enable xmlns="urn:xmpp:push:0" jid="${SINK}" node="n1"><x xmlns="jabber:x:data"><field var="FORM_TYPE"><value>http://jabber.org/protocol/pubsub#publish-options</value></field></x></enable></iq>`;
    const result = lintEnableFrame(frame, { sinkJid: SINK, senderFullJid: "alice@localhost/r1" });
    expect(result?.findings.map((f) => f.code)).toEqual(["form-type-missing", "accepted-by"]);
  });

  it("is null for other frames, a disable, and text that is not one element", () => {
    expect(lintEnableFrame(`<message to="a@b"><body>enable urn:xmpp:push:0</body></message>`)).toBeNull();
    expect(lintEnableFrame(`<iq type="set" id="d"><disable xmlns="urn:xmpp:push:0" jid="${SINK}"/></iq>`)).toBeNull();
    expect(lintEnableFrame(`<iq><enable xmlns="urn:xmpp:push:0"`)).toBeNull();
  });
});
