// tophosts with a big queue: 100,000 queued recipients over 1,000 hosts (all down) answer
// `tophosts 1` right over the control socket; its round trip is reported (the benchmark judges it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ControlClient } from '../../cli/client.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { waitFor } from '../helpers/harness.js';
import { startCliEngine, type CliEngine } from './cli-harness.js';

const HOSTS = 1_000;
const MESSAGES = 1_000;
const RECIPIENTS_PER_MESSAGE = 100;

let cli: CliEngine;

before(async () => {
  // The route goes to a closed port: every host is tried once and marked down.
  cli = await startCliEngine({ backendPort: 1 });
  const content = Buffer.from('Subject: load\r\n\r\nhello\r\n');
  for (let m = 0; m < MESSAGES; m += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, k) => {
        const i = m + k;
        const to = Array.from({ length: RECIPIENTS_PER_MESSAGE }, (_, j) => `u${i}@h${(i * RECIPIENTS_PER_MESSAGE + j) % HOSTS}.example`);
        return engineParts(cli.engine).generated.submit('load@example.org', to, content);
      }),
    );
  }
  await waitFor(() => cli.engine.api.gauges().hostsDown === HOSTS, 'every host to be marked down', 60_000);
});

after(async () => {
  await cli.stop();
});

test('tophosts over 100,000 recipients and 1,000 hosts: the first 20 rows, the round trip reported', async (t) => {
  assert.equal(cli.engine.api.gauges().activeRecipients, MESSAGES * RECIPIENTS_PER_MESSAGE);
  let text = '';
  const client = await ControlClient.connect(cli.socket, { print: (s) => (text += s), ask: async () => ({ eof: true }) });
  try {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      text = '';
      const start = performance.now();
      const r = await client.run('tophosts 1');
      times.push(performance.now() - start);
      assert.equal(r.ok, true);
    }
    const rows = text.split('\n').filter((l) => /^\s*\d+[* ] /.test(l));
    assert.equal(rows.length, 20);
    assert.match(rows[0], /^ 1\*  h\d+\.example\s+100\s+0\s+0\s+\d+\s+0$/);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    // Reported, not judged: on a loaded machine any bound in wall time can fail. The 50 ms
    // target is measured by the benchmark (docs/benchmarks.md, "status / tophosts round trip").
    t.diagnostic(`tophosts round trip: median ${median.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
  } finally {
    client.close();
  }
});
