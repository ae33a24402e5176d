// Runs a scripted trainee against a real sandbox (a child `esa sandbox`, batch through a pipe)
// and reads what really arrived: the backend's mailboxes in the data dir, by scenario tag.
import path from 'node:path';
import { Mailboxes } from '../../src/sandbox/mailboxes.js';
import { SANDBOX_SENDER } from '../../src/sandbox/sandbox.js';
import { finished, removeDir, spawnEsa, tempDir } from '../helpers/harness.js';

export interface TraineeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Scenario messages the backend received, by recipient domain. */
  delivered: Record<string, number>;
  /** Failure DSNs and delay warnings in the sender's mailbox. */
  bounceDsns: number;
  delayDsns: number;
  /** The output of the n-th occurrence (0 = first) of a typed line. */
  outputOf(line: string, occurrence?: number): string;
}

const PROMPT = 'mail.example.com> ';

/** `route`: the backend's address (default: a free port the sandbox picks). */
export async function trainee(lines: string[], route = '127.0.0.1:0'): Promise<TraineeRun> {
  const dataDir = await tempDir('esa-scenario-');
  try {
    const child = spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', route]);
    const done = finished(child);
    child.stdin!.end(`${lines.join('\n')}\nsim scenario stop\n`);
    const r = await done;
    const boxes = new Mailboxes(path.join(dataDir, 'mailboxes'));
    await boxes.open();
    const delivered: Record<string, number> = {};
    let bounceDsns = 0;
    let delayDsns = 0;
    for (const { address } of boxes.summaries()) {
      for (const m of boxes.messagesOf(address)) {
        if (m.from !== '' && /\[scenario [0-9a-z]+ #\d+\]/.test(m.subject)) {
          const domain = address.slice(address.indexOf('@') + 1);
          delivered[domain] = (delivered[domain] ?? 0) + 1;
        } else if (m.from === '' && address === SANDBOX_SENDER) {
          const text = (await boxes.content(m)).toString('utf8');
          if (/^Action: failed/im.test(text)) bounceDsns++;
          if (/^Action: delayed/im.test(text)) delayDsns++;
        }
      }
    }
    const sections = `\n${r.stdout}`.split(`\n${PROMPT}`);
    const outputOf = (line: string, occurrence = 0) => {
      const hits = sections.filter((s) => s.startsWith(`${line}\n`));
      const s = hits[occurrence];
      if (s === undefined) throw new Error(`no output of "${line}" in:\n${r.stdout}\n${r.stderr}`);
      return s.slice(line.length + 1);
    };
    return { ...r, delivered, bounceDsns, delayDsns, outputOf };
  } finally {
    await removeDir(dataDir);
  }
}

/** Output read as one line (what the sandbox wraps at 80 columns, joined again). */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ');
