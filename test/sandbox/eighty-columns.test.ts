// The sandbox at 80 columns: a front end that tells the engine its screen is 80×24 (as the Ink
// shell does) gets no line wider than 80 from a scenario's briefing, its status, check and
// debrief, `sim graph`, `sim mailbox`, a clock jump and the hints; the pager's stops are
// answered as a reader would. And the 80×24 transcript in docs/sandbox.md keeps to 80 columns.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ControlClient } from '../../cli/client.js';
import type { AskParams, AskResult } from '../../src/appliance/control/protocol.js';
import { ControlServer } from '../../src/appliance/control/server.js';
import { SANDBOX_COMMANDS } from '../../src/appliance/registry.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { removeDir, ROOT, startEngine, tempDir } from '../helpers/harness.js';

/** A terminal 80 columns wide: keeps what it is shown, presses a key at each pager stop. */
class EightyColumns {
  output = '';
  stops = 0;
  print(text: string): void {
    this.output += text;
  }
  async ask(q: AskParams): Promise<AskResult> {
    if (q.pause) this.stops++;
    this.output += `${q.label ? `${q.label}\n` : ''}${q.prompt}\n`;
    return { answer: '' };
  }
}

/** Lines (and the live lines rewritten in place after a `\r`) wider than 80 columns. */
const over80 = (text: string) => text.split(/[\n\r]/).filter((l) => l.length > 80);

test('sandbox at 80×24: the briefing, sim graph, sim mailbox, the jump, check, debrief and hints keep within 80 columns', async () => {
  const dataDir = await tempDir('esa-80-');
  const backend = new BackendServer({ host: '127.0.0.1', port: 0, name: 'exchange.example.com', mailboxDir: path.join(dataDir, 'mailboxes') });
  await backend.start();
  const engine = await startEngine({ dataDir, sandbox: new Sandbox(backend), backendPort: backend.port });
  const control = await ControlServer.start(engine.api, path.join(dataDir, 'esa.sock'), SANDBOX_COMMANDS);
  const terminal = new EightyColumns();
  const client = await ControlClient.connect(path.join(dataDir, 'esa.sock'), terminal);
  try {
    await client.hello({ client: 'ink', statusIntervalMs: 0, screen: { rows: 24, columns: 80 } });
    const shown: Record<string, string> = {};
    for (const line of [
      'sim scenario start 1',
      'sim scenario status',
      'sim clock +1h30m',
      'sim scenario check',
      'delivernow ALL',
      'sim clock +15m',
      'sim graph',
      'sim mailbox',
      'sim mailbox user9@example.com',
      'sim scenario check',
      'sim scenario debrief',
      'sim scenario hint all',
    ]) {
      const before = terminal.output.length;
      await client.run(line);
      shown[line] ??= terminal.output.slice(before); // the first time
    }
    assert.deepEqual(over80(terminal.output), [], 'no line over 80 columns');
    // What each shows, so the lines kept short are the real ones.
    assert.match(shown['sim scenario start 1'], /^Exchange \(127\.0\.0\.1:\d+\)|Exchange \(127\.0\.0\.1:\d+\)/m);
    assert.match(shown['sim scenario check'], /^ {2}wait /m, 'the first check comes before the deadline');
    assert.match(shown['sim graph'], /^ {2}backend \|_+x+_+$/m);
    assert.match(shown['sim graph'], /^delivered \|.*d +24$/m);
    assert.match(shown['sim mailbox'], /^user9@example\.com +1 +0 /m);
    // Too narrow for the subject in the row: each subject goes on a line of its own, whole.
    assert.match(
      shown['sim mailbox user9@example.com'],
      /^1 {2}\w{3} \w{3} \d\d [\d:]+ \d{4} {2}trainer@sandbox\.example\.org +[\d,]+\n {3}The backend fails during business hours \[scenario \w+ #9\]$/m,
    );
    assert.match(terminal.output, /^PASSED\. /m);
    assert.match(shown['sim scenario debrief'], /Totals: 24 delivered\./);
    assert.ok(terminal.stops > 0, 'the debrief is longer than a screen: the pager stopped');
  } finally {
    client.close();
    await control.close();
    await engine.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
});

test('docs/sandbox.md: the transcript at 80×24 has no line over 80 columns', async () => {
  const doc = await readFile(path.join(ROOT, 'docs/sandbox.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## At 80 columns'));
  assert.ok(section.length > 1, 'docs/sandbox.md has its "At 80 columns" section');
  const block = section
    .split('\n')
    .slice(1)
    .filter((l) => l.startsWith('    ') || l === '')
    .map((l) => l.slice(4));
  for (const command of ['sim scenario start 1', 'sim graph', 'sim mailbox user9@example.com'])
    assert.ok(block.includes(`mail.example.com> ${command}`), command);
  assert.deepEqual(over80(block.join('\n')), []);
});
