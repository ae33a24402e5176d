// The sandbox's mailboxes: what the built-in backend received, one .eml file per message in a
// directory of the data dir, the oldest dropped past a size cap, so a trainee can read the mail
// that was delivered and the DSNs that came back to its sender (`sim mailbox`).
import { mkdir, open, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One stored message; `to` are the envelope recipients the backend accepted. */
export interface MailboxEntry {
  id: number;
  /** Envelope sender, '' for the null sender `<>` (a DSN). */
  from: string;
  to: string[];
  /** When the backend received it (the sandbox's simulated clock). */
  at: number;
  /** Bytes of the message as received. */
  size: number;
  subject: string;
}

export interface MailboxSummary {
  address: string;
  messages: number;
  /** Of them, DSNs (null sender). */
  dsns: number;
  newest: number;
}

export interface MailboxLimits {
  maxBytes: number;
  maxMessages: number;
}

/** Enough for every exercise many times over; a long injection keeps its newest messages. */
export const MAILBOX_LIMITS: MailboxLimits = { maxBytes: 50 * 1024 * 1024, maxMessages: 10_000 };

/** The first line of each file: a header field that carries the envelope (the file stays a valid .eml). */
const ENVELOPE_FIELD = 'X-Sandbox-Envelope: ';
const FILE = /^(\d+)\.eml$/;
/** The envelope line is read from the file's start: it is never longer than this. */
const HEAD_BYTES = 64 * 1024;

/** The Subject field of a message's header section, unfolded ('' when there is none). */
export function subjectOf(content: Buffer): string {
  const end = content.indexOf('\r\n\r\n');
  const head = content.subarray(0, end < 0 ? Math.min(content.length, HEAD_BYTES) : end).toString('utf8');
  const m = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return m ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : '';
}

export class Mailboxes {
  #entries: MailboxEntry[] = [];
  #bytes = 0;
  #nextId = 1;

  constructor(
    readonly dir: string,
    readonly limits: MailboxLimits = MAILBOX_LIMITS,
  ) {}

  /** Creates the directory and reads what earlier runs stored. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const ids = (await readdir(this.dir))
      .map((name) => FILE.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (const id of ids) {
      const entry = await this.#readEntry(id);
      if (entry) this.#entries.push(entry);
      this.#nextId = Math.max(this.#nextId, id + 1);
    }
    this.#bytes = this.#entries.reduce((n, e) => n + e.size, 0);
    await this.#trim();
  }

  /** Stores one received message; resolves once it is in its file. */
  async store(mail: { from: string; to: string[]; content: Buffer }, at: number): Promise<MailboxEntry> {
    const entry: MailboxEntry = {
      id: this.#nextId++,
      from: mail.from,
      to: mail.to.map((a) => a.toLowerCase()),
      at,
      size: mail.content.length,
      subject: subjectOf(mail.content),
    };
    const { id: _id, ...envelope } = entry;
    const head = `${ENVELOPE_FIELD}${JSON.stringify(envelope)}\r\n`;
    await writeFile(this.#file(entry.id), Buffer.concat([Buffer.from(head), mail.content]));
    this.#entries.push(entry);
    this.#bytes += entry.size;
    await this.#trim();
    return entry;
  }

  /** Every address that has mail, in address order. */
  summaries(): MailboxSummary[] {
    const by = new Map<string, MailboxSummary>();
    for (const e of this.#entries) {
      for (const address of e.to) {
        const s = by.get(address) ?? { address, messages: 0, dsns: 0, newest: 0 };
        s.messages++;
        if (e.from === '') s.dsns++;
        s.newest = Math.max(s.newest, e.at);
        by.set(address, s);
      }
    }
    return [...by.values()].sort((a, b) => a.address.localeCompare(b.address));
  }

  /** One address's messages, oldest first. */
  messagesOf(address: string): MailboxEntry[] {
    const a = address.toLowerCase();
    return this.#entries.filter((e) => e.to.includes(a));
  }

  /** Every stored message, oldest first. */
  all(): readonly MailboxEntry[] {
    return this.#entries;
  }

  get count(): number {
    return this.#entries.length;
  }

  /** The message as the backend received it (without the envelope line). */
  async content(entry: MailboxEntry): Promise<Buffer> {
    const data = await readFile(this.#file(entry.id));
    const eol = data.indexOf('\r\n');
    return data.subarray(eol + 2);
  }

  #file(id: number): string {
    return path.join(this.dir, `${id}.eml`);
  }

  async #readEntry(id: number): Promise<MailboxEntry | undefined> {
    const fh = await open(this.#file(id), 'r').catch(() => undefined);
    if (!fh) return undefined;
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      const head = buf.subarray(0, bytesRead);
      const eol = head.indexOf('\r\n');
      const line = head.subarray(0, eol < 0 ? 0 : eol).toString('utf8');
      if (!line.startsWith(ENVELOPE_FIELD)) return undefined;
      const e = JSON.parse(line.slice(ENVELOPE_FIELD.length)) as Omit<MailboxEntry, 'id'>;
      if (typeof e.from !== 'string' || !Array.isArray(e.to) || typeof e.at !== 'number' || typeof e.size !== 'number') return undefined;
      return { id, from: e.from, to: e.to.map(String), at: e.at, size: e.size, subject: String(e.subject ?? '') };
    } catch {
      // A file this store did not write, or one cut short: not a message.
      return undefined;
    } finally {
      await fh.close();
    }
  }

  /** Drops the oldest messages while over a limit. */
  async #trim(): Promise<void> {
    while (this.#entries.length > 0 && (this.#entries.length > this.limits.maxMessages || this.#bytes > this.limits.maxBytes)) {
      const oldest = this.#entries.shift()!;
      this.#bytes -= oldest.size;
      await unlink(this.#file(oldest.id)).catch(() => undefined);
    }
  }
}
