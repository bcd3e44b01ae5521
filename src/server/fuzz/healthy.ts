/**
 * Healthy sessions on the fuzzed server: alice sends bob a message, and a message to carol (offline,
 * push registered) that must reach the App Server sink as a push, round after round while the
 * fuzzer runs. A round that does not complete in time is a loss.
 */
import { xml } from "@xmpp/client";
import { buildEnable } from "../../protocol/stanzas/push";
import { AppServerSink, chat, connect, eventually, isMessageWithBody, type Inbox } from "../test-support/session-kit";

export interface HealthyReport {
  rounds: number;
  losses: number;
  firstLoss: string | null;
}

const PUSH_NODE = "fuzz-healthy";

export class HealthySessions {
  private rounds = 0;
  private losses = 0;
  private firstLoss: string | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  private constructor(
    private readonly alice: Inbox,
    private readonly bob: Inbox,
    private readonly sink: AppServerSink,
    private readonly carol: string,
    private readonly roundTimeoutMs: number,
  ) {}

  static async start(url: string, roundTimeoutMs: number): Promise<HealthySessions> {
    const sink = new AppServerSink(await connect(url, "fzsink@localhost/sink"));
    const carol = await connect(url, "fzcarol@localhost/phone");
    const enabled = await carol.iq(buildEnable({ jid: sink.jid, node: PUSH_NODE }));
    if (enabled.attrs.type !== "result") throw new Error(`healthy enable failed: ${enabled.toString()}`);
    await carol.stop();
    const alice = await connect(url, "fzalice@localhost/a");
    const bob = await connect(url, "fzbob@localhost/b");
    await bob.send(xml("presence"));
    return new HealthySessions(alice, bob, sink, "fzcarol@localhost", roundTimeoutMs);
  }

  /** One exchange: a message alice → bob delivered, and a message to offline carol pushed. */
  async round(): Promise<void> {
    const n = ++this.rounds;
    try {
      const body = `healthy-${n}`;
      const pushesBefore = this.pushCount();
      const delivered = this.bob.next(isMessageWithBody(body), `message ${body}`, this.roundTimeoutMs);
      await this.alice.send(chat(this.bob.jid, body));
      await this.alice.send(chat(this.carol, `push-${n}`));
      await delivered;
      await eventually(() => this.pushCount() > pushesBefore, `push ${n} at the sink`, this.roundTimeoutMs);
      this.bob.clear();
    } catch (err) {
      this.losses++;
      this.firstLoss ??= err instanceof Error ? err.message : String(err);
    }
  }

  private pushCount(): number {
    return this.sink.publishes.filter((p) => p.parsed.node === PUSH_NODE).length;
  }

  /** Rounds back to back, `pauseMs` apart, until stop(). */
  runInBackground(pauseMs: number): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.round();
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }

  async stop(): Promise<HealthyReport> {
    this.running = false;
    await this.loop;
    await this.round();
    await Promise.all([this.alice.stop(), this.bob.stop(), this.sink.inbox.stop()]);
    return { rounds: this.rounds, losses: this.losses, firstLoss: this.firstLoss };
  }
}
