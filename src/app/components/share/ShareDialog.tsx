import { useEffect, useId, useRef, useState, type ChangeEvent } from "react";
import type { ShareService } from "../../share/service";
import { describeSetup, type Checked, type Setup } from "../../share/setup";
import { downloadText } from "../shared/download";
import { Modal } from "./Modal";

type CopyState = { kind: "idle" } | { kind: "copied" } | { kind: "manual"; why: string };

/**
 * What "Share" shows: the setup the link will carry (in words), the link with a Copy button and a
 * text box to copy it by hand when the clipboard is not available, and the same setup as a JSON
 * file (export, and import of one).
 */
export function ShareDialog({ share, pageUrl, onClose }: { share: ShareService; pageUrl: string; onClose: () => void }) {
  const [title, setTitle] = useState("");
  const [link, setLink] = useState<string | null>(null);
  const [copy, setCopy] = useState<CopyState>({ kind: "idle" });
  const linkBox = useRef<HTMLInputElement>(null);
  const titleId = useId();
  // Null until the capture code is in and the setup is read.
  const [setup, setSetup] = useState<Checked<Setup> | null>(null);
  // Bumped when the playground changes while the dialog is open: the link and the lines follow it.
  const [revision, setRevision] = useState(0);
  const shownLink = useRef<string | null>(null);

  useEffect(() => share.watchSetup(() => setRevision((n) => n + 1)), [share]);

  useEffect(() => {
    let live = true;
    void share.capture(title).then((r) => {
      if (live) setSetup(r);
    });
    void share.link(pageUrl, title).then((r) => {
      if (!live) return;
      const next = r.ok ? r.value : null;
      // "Copied" stays true only while the link is the one copied.
      if (next !== shownLink.current) setCopy({ kind: "idle" });
      shownLink.current = next;
      setLink(next);
    });
    return () => {
      live = false;
    };
  }, [share, pageUrl, title, revision]);

  async function copyLink() {
    if (!link) return;
    try {
      if (!navigator.clipboard) throw new Error("this page has no clipboard access");
      await navigator.clipboard.writeText(link);
      setCopy({ kind: "copied" });
    } catch (e) {
      setCopy({ kind: "manual", why: e instanceof Error ? e.message : String(e) });
      linkBox.current?.focus();
      linkBox.current?.select();
    }
  }

  async function exportJson() {
    const json = await share.exportJson(title);
    if (json.ok) downloadText(`playground-setup-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.json`, json.value);
  }

  async function importJson(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    await share.openFile(await file.text());
    onClose();
  }

  // The first time, the capture code is still on its way: say so where the dialog will open.
  if (setup === null) {
    return (
      <p className="lazy-loading muted" role="status">
        Reading the setup…
      </p>
    );
  }
  return (
    <Modal title="Share this setup" onClose={onClose}>
      <p className="small muted">
        The link carries the resources, their presence, the push registrations, the App Server the sink plays, the virtual host and the messages sent. No password, no account name and nothing captured: whoever opens it replays the setup with their own accounts. While this dialog is open, the link and the JSON follow the playground.
      </p>
      <div className="field">
        <label className="field-label" htmlFor={titleId}>
          Title (optional)
        </label>
        <input id={titleId} className="input" value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. phone away, laptop gone" />
      </div>
      {setup.ok ? (
        <>
          <h3 className="small">What it sets up</h3>
          <ul className="share-lines" aria-label="What the link sets up">
            {describeSetup(setup.value).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          <div className="field">
            <label className="field-label" htmlFor={`${titleId}-link`}>
              Share link
            </label>
            <div className="row">
              <input id={`${titleId}-link`} ref={linkBox} className="input share-link" readOnly value={link ?? "building the link…"} onFocus={(e) => e.target.select()} />
              <button type="button" className="btn btn-primary" onClick={() => void copyLink()} disabled={!link}>
                Copy link
              </button>
            </div>
            <p className="field-help" role="status">
              {copy.kind === "copied" ? "Link copied to the clipboard." : copy.kind === "manual" ? `Could not copy (${copy.why}): the link is selected above, press Ctrl+C (⌘C) to copy it.` : `${link?.length ?? 0} characters.`}
            </p>
          </div>
        </>
      ) : (
        <p className="callout callout-err" role="alert">
          {setup.error}
        </p>
      )}
      <div className="row">
        <button type="button" className="btn" onClick={() => void exportJson()} disabled={!setup.ok}>
          Export setup JSON
        </button>
        <label className="btn">
          Import setup JSON…
          <input type="file" accept="application/json,.json" className="visually-hidden" aria-label="Import setup JSON" onChange={(e) => void importJson(e)} />
        </label>
      </div>
    </Modal>
  );
}
