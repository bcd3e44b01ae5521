// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { OUTSIDE_LABEL } from "../../playground/outside-sessions";
import type { OutsideSessionView } from "../../stores/outside";
import { createFakePlayground, makeStores, renderWith } from "../../test-support/render";
import { ResourcesPanel } from "./ResourcesPanel";

const phone: OutsideSessionView = {
  id: "outside-phone",
  resource: "phone",
  jid: "alice@localhost/phone",
  label: "alice/phone (outside)",
  status: "online",
  sessionId: "s-9",
  presence: { show: "dnd", priority: 2, status: "driving" },
  capsNode: "https://conversations.im",
  seenThrough: "server log",
  since: 1,
};

function setup(views: OutsideSessionView[], prepare?: (stores: ReturnType<typeof makeStores>) => void) {
  const stores = makeStores();
  for (const v of views) stores.outside.getState().upsert(v);
  prepare?.(stores);
  return renderWith(<ResourcesPanel />, createFakePlayground(stores));
}

describe("outside lanes in the Resources column", () => {
  it("shows a session the playground did not open, read-only, with presence, client and its registration", () => {
    setup([phone], (stores) => stores.registrations.getState().upsert({ jid: "pushsvc@localhost/sink", node: "n-out", away: true, publishOptions: null, enabledBySessionId: "s-9", enabledByResource: "phone", enabledAt: 0, state: "active", pushCount: 0 }));
    const lane = screen.getByRole("region", { name: "Outside session phone" });
    expect(within(lane).getByText("alice/phone (outside)")).toBeInTheDocument();
    expect(within(lane).getByText(new RegExp(OUTSIDE_LABEL))).toBeInTheDocument();
    expect(within(lane).getByText('dnd, priority 2, status "driving"')).toBeInTheDocument();
    expect(within(lane).getByText("https://conversations.im")).toBeInTheDocument();
    expect(within(lane).getByText("n-out → pushsvc@localhost/sink (away=true)")).toBeInTheDocument();
    expect(within(lane).getByText("seen through server log")).toBeInTheDocument();
    expect(within(lane).queryAllByRole("button")).toEqual([]);
  });

  it("names the client by its resource when it sent no caps, and says when it was only seen through presence", () => {
    setup([{ ...phone, capsNode: null, seenThrough: "presence", presence: null, status: "ended", sessionId: null }]);
    const lane = screen.getByRole("region", { name: "Outside session phone" });
    expect(within(lane).getByText('unknown (no XEP-0115 caps; resource name "phone")')).toBeInTheDocument();
    expect(within(lane).getByText("seen through presence")).toBeInTheDocument();
    expect(within(lane).getByText("ended")).toBeInTheDocument();
  });

  it("shows nothing when every session is the playground's own", () => {
    setup([]);
    expect(screen.queryByLabelText("Outside sessions")).toBeNull();
  });
});
