// showrecipients pages only where a person reads: an interactive session (hello without
// `interactive: false`) gets `-Press Any Key For More-` stops every 20 rows; batch never does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSession } from '../../cli/front-end.js';
import type { AskParams, AskResult } from '../../src/appliance/control/protocol.js';
import { batch, startCliEngine } from '../cli/cli-harness.js';
import { listenerPort, sendMail } from '../helpers/harness.js';

class PagerTerminal {
  output = '';
  stops: AskParams[] = [];
  constructor(readonly answers: string[]) {}
  print(text: string): void {
    this.output += text;
  }
  async ask(q: AskParams): Promise<AskResult> {
    if (q.pause) this.stops.push(q);
    const answer = this.answers.shift();
    return answer === undefined ? { eof: true } : { answer };
  }
}

const dataRows = (text: string) => text.split('\n').filter((l) => /^\d+ +\d+ /.test(l)).length;

test('showrecipients pages at -Press Any Key For More- in an interactive session, prints in full in batch', async () => {
  const cli = await startCliEngine({ backendPort: 1, accept: ['example.com'] });
  try {
    const port = listenerPort(cli.engine);
    await sendMail(port, { to: Array.from({ length: 45 }, (_, i) => `u${i}@example.com`) });
    await cli.engine.idle();

    const full = await batch(cli.socket, 'showrecipients host example.com\n');
    assert.equal(dataRows(full.stdout), 45);
    assert.doesNotMatch(full.stdout, /Press Any Key/);

    // Two stops for 45 rows; Enter at the first, any key at the second.
    const all = new PagerTerminal(['', 'x']);
    const s1 = await openSession(cli.socket, all, 'ink');
    await s1.client.run('showrecipients host example.com');
    s1.client.close();
    assert.equal(all.stops.length, 2);
    assert.deepEqual({ label: all.stops[0].label, prompt: all.stops[0].prompt }, { label: '', prompt: '-Press Any Key For More-' });
    assert.equal(dataRows(all.output), 45);

    // q at the first stop ends the listing after one screenful.
    const quit = new PagerTerminal(['q']);
    const s2 = await openSession(cli.socket, quit, 'ink');
    const r = await s2.client.run('showrecipients host example.com');
    s2.client.close();
    assert.equal(r.ok, true);
    assert.equal(quit.stops.length, 1);
    assert.equal(dataRows(quit.output), 20);
  } finally {
    await cli.stop();
  }
});
