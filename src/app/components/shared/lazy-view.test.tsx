// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { lazyView } from "./lazy-view";

function Greeting({ name }: { name: string }) {
  return <p>Hello {name}</p>;
}

describe("lazyView", () => {
  it("says what is loading, then renders the view with its props; a second mount renders at once", async () => {
    let resolve: (c: typeof Greeting) => void = () => undefined;
    let calls = 0;
    const View = lazyView("the greeting", () => {
      calls += 1;
      return new Promise<typeof Greeting>((r) => (resolve = r));
    });
    const first = render(<View name="Ada" />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading the greeting…");
    resolve(Greeting);
    expect(await screen.findByText("Hello Ada")).toBeInTheDocument();
    first.unmount();
    render(<View name="Grace" />);
    expect(screen.getByText("Hello Grace")).toBeInTheDocument();
    expect(calls).toBe(1);
  });

  it("shows why a chunk did not load with Retry, in place of the view only, and Retry fetches it again", async () => {
    let calls = 0;
    const View = lazyView("the Sequence view", async () => {
      calls += 1;
      if (calls === 1) throw new TypeError("Failed to fetch dynamically imported module: /assets/SequencePanel-x.js");
      return Greeting;
    });
    render(
      <div>
        <p>Timeline keeps working</p>
        <View name="again" />
      </div>,
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the Sequence view: Failed to fetch dynamically imported module: /assets/SequencePanel-x.js.");
    expect(screen.getByText("Timeline keeps working")).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Hello again")).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it("preload fetches the chunk before the view is shown", async () => {
    let calls = 0;
    const View = lazyView("the greeting", async () => {
      calls += 1;
      return Greeting;
    });
    await View.preload();
    render(<View name="Linus" />);
    expect(screen.getByText("Hello Linus")).toBeInTheDocument();
    expect(calls).toBe(1);
  });
});
