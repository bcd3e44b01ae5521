// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { FilterMenu } from "./FilterMenu";
import { safeColour } from "./LaneChip";
import { Term } from "./Term";
import { VirtualList } from "./VirtualList";

describe("FilterMenu", () => {
  function Harness({ onToggle = vi.fn() }: { onToggle?: (id: string) => void }) {
    const [checked, setChecked] = useState<Record<string, boolean>>({ a: true, b: true });
    return (
      <>
        <FilterMenu
          label="Things"
          groupLabel="Filter things"
          items={[
            { id: "a", label: "alpha", checked: checked.a ?? true },
            { id: "b", label: "beta", checked: checked.b ?? true },
          ]}
          onToggle={(id) => {
            onToggle(id);
            setChecked((c) => ({ ...c, [id]: !c[id] }));
          }}
          onReset={() => setChecked({ a: true, b: true })}
        />
        <p>outside</p>
      </>
    );
  }

  it("opens, counts what is shown, closes on Escape and returns focus", async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    render(<Harness onToggle={onToggle} />);
    const button = screen.getByRole("button", { name: "Things" });
    expect(button).toHaveAttribute("aria-expanded", "false");
    await user.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    await user.click(screen.getByRole("checkbox", { name: "beta" }));
    expect(onToggle).toHaveBeenCalledWith("b");
    expect(screen.getByRole("button", { name: "Things (1/2)" })).toHaveAttribute("aria-pressed", "true");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("group", { name: "Filter things" })).toBeNull();
    expect(button).toHaveFocus();
  });

  it("closes on a click outside", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole("button", { name: "Things" }));
    await user.click(screen.getByText("outside"));
    expect(screen.queryByRole("group", { name: "Filter things" })).toBeNull();
  });
});

describe("Term", () => {
  it("is focusable and described by its tip, which stays out of the surrounding name", () => {
    render(
      <h2>
        Heading <Term tip="an explanation">term</Term>
      </h2>,
    );
    expect(screen.getByRole("heading")).toHaveAccessibleName("Heading term");
    expect(screen.getByText("term")).toHaveAccessibleDescription("an explanation");
    expect(screen.getByText("term")).toHaveAttribute("tabindex", "0");
  });
});

describe("safeColour", () => {
  it("only lets plain hex colours into style attributes", () => {
    expect(safeColour("#0072B2")).toBe("#0072B2");
    expect(safeColour("#abc")).toBe("#abc");
    expect(safeColour("red; background:url(javascript:alert(1))")).toBe("#8c959f");
    expect(safeColour("url(x)", "#000")).toBe("#000");
    expect(safeColour(undefined)).toBe("#8c959f");
  });
});

describe("VirtualList", () => {
  it("windows a long list and positions rows by index", () => {
    render(<VirtualList count={50_000} rowHeight={20} label="Numbers" renderRow={(i) => `row ${i}`} />);
    const rows = screen.getAllByRole("listitem");
    // 600 px viewport / 20 px rows = 30 visible, plus overscan.
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows.length).toBeLessThanOrEqual(40);
    expect(rows[0]).toHaveTextContent("row 0");
    expect(rows[0]).toHaveAttribute("aria-posinset", "1");
    expect(rows[0]).toHaveAttribute("aria-setsize", "50000");
    expect(screen.queryByText("row 49999")).toBeNull();
  });
});

describe("ErrorBoundary", () => {
  it("contains a rendering failure, offers a way out, and recovers", async () => {
    const { ErrorBoundary } = await import("./ErrorBoundary");
    const user = userEvent.setup();
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    let broken = true;
    function Fragile() {
      if (broken) throw new Error("bad data");
      return <p>fine</p>;
    }
    const escape = vi.fn(() => {
      broken = false;
    });
    render(
      <>
        <ErrorBoundary what="the widget" escape={{ label: "Back to live", onClick: escape }}>
          <Fragile />
        </ErrorBoundary>
        <p>sibling still here</p>
      </>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Could not show the widget: bad data.");
    expect(screen.getByText("sibling still here")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Back to live" }));
    expect(escape).toHaveBeenCalled();
    expect(screen.getByText("fine")).toBeInTheDocument();
    quiet.mockRestore();
  });
});
