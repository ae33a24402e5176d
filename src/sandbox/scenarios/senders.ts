// The senders of a scenario: real SMTP clients that send tagged test messages through the
// listener, and — like a real sending MTA — keep what is refused (421, 452) and try it again
// later. What each message met on the way (replies, MID) is recorded for the judge.
import nodemailer from 'nodemailer';
import { refusalOf, SANDBOX_SENDER } from '../sandbox.js';

/** One scenario message as its sender knows it. */
export interface SentMessage {
  /** 1, 2, ... in the order the timeline sends them. */
  n: number;
  to: string;
  subject: string;
  /** When the sender first tried (simulated ms). */
  firstTry: number;
  /** Each refusal: when, and the reply's first line. */
  refusals: { at: number; reply: string }[];
  /** When the appliance answered 250, and the MID it gave. */
  accepted?: { at: number; mid: number };
}

/** The tag every subject carries: it finds the message in the mailboxes and in the DSNs that quote it. */
export function tagOf(run: string, n: number): string {
  return `[scenario ${run} #${n}]`;
}

export const TAG = /\[scenario ([0-9a-z]+) #(\d+)\]/;

export class Senders {
  readonly messages: SentMessage[] = [];
  /** When the kept messages are tried again (undefined: nothing kept). */
  nextRetry: number | undefined;

  constructor(
    readonly run: string,
    readonly title: string,
    readonly retryAfter: number,
    private readonly listener: () => { host: string; port: number } | undefined,
  ) {}

  kept(): SentMessage[] {
    return this.messages.filter((m) => !m.accepted);
  }

  /** New messages to `user<k>@domain`, sent now. */
  async send(count: number, domain: string, now: number): Promise<void> {
    const fresh: SentMessage[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.messages.length + 1;
      const m: SentMessage = { n, to: `user${n}@${domain}`, subject: `${this.title} ${tagOf(this.run, n)}`, firstTry: now, refusals: [] };
      this.messages.push(m);
      fresh.push(m);
    }
    await this.#attempt(fresh, now);
  }

  /** The retry of everything kept (when due). */
  async retryKept(now: number): Promise<void> {
    this.nextRetry = undefined;
    await this.#attempt(this.kept(), now);
  }

  async #attempt(list: SentMessage[], now: number): Promise<void> {
    if (list.length === 0) return;
    const target = this.listener();
    const transport = nodemailer.createTransport({
      pool: true,
      host: target?.host ?? '127.0.0.1',
      port: target?.port ?? 25,
      secure: false,
      ignoreTLS: true,
      maxConnections: 3,
      maxMessages: Infinity,
    });
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const m = list[next++];
        try {
          const info = await transport.sendMail({
            from: SANDBOX_SENDER,
            to: m.to,
            subject: m.subject,
            text: `Scenario test message ${m.n}, first sent by its sender at ${new Date(m.firstTry).toISOString()}.\n`,
          });
          const mid = /Message (\d+) accepted/.exec(String(info.response));
          m.accepted = { at: now, mid: mid ? Number(mid[1]) : 0 };
        } catch (e) {
          m.refusals.push({ at: now, reply: refusalOf(e) });
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(3, list.length) }, worker));
    } finally {
      transport.close();
    }
    if (this.kept().length > 0 && this.nextRetry === undefined) this.nextRetry = now + this.retryAfter;
  }
}
