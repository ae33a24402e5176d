// deleterecipients / bouncerecipients / redirectrecipients / removemessage / showrecipients
// against real SMTP peers: mail queued for a dead host, the operator acts over the control
// socket (batch), and what reaches the real backends (DSNs, redirected mail) is checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { parseDsn } from '../bounce/dsn-parse.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { configCopy, listenerPort, sendMail, startBackend, waitFor } from '../helpers/harness.js';

/** example.net is routed to a closed port (down); everything else (example.com, the senders' domains) to `backend`. */
async function withQueue(fn: (cli: CliEngine, backend: BackendServer, deadPort: () => Promise<BackendServer>) => Promise<void>): Promise<void> {
  const backend = await startBackend();
  // A real server that is down now and can come up later on the same port.
  const dead = await startBackend();
  await dead.setMode('down');
  const cli = await startCliEngine({ backendPort: backend.port, accept: ['example.com', 'example.net'] });
  try {
    const next = configCopy(cli.engine);
    next.routes = [{ domain: 'example.net', hosts: [{ host: '127.0.0.1', port: dead.port }] }, ...next.routes];
    await cli.engine.api.applyConfig(next);
    const port = listenerPort(cli.engine);
    const sent = [
      await sendMail(port, { from: 'alice@example.org', to: ['a1@example.net', 'a2@example.net'] }),
      await sendMail(port, { from: 'bob@example.org', to: ['b1@example.net', 'b2@example.com'] }),
      await sendMail(port, { from: 'alice@example.org', to: 'a3@example.net' }),
      await sendMail(port, { from: 'bob@example.org', to: 'b3@example.net' }),
    ];
    assert.ok(sent.every((s) => s.ok));
    await waitFor(() => backend.messages.length === 1, 'b2@example.com delivered');
    await cli.engine.idle();
    await fn(cli, backend, async () => {
      await dead.setMode('up');
      return dead;
    });
  } finally {
    await cli.stop();
    await backend.stop();
    await dead.stop();
  }
}

async function ok(cli: CliEngine, input: string): Promise<string> {
  const r = await batch(cli.socket, input);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
}

test('showrecipients lists a host\'s queued recipients in full in batch; the header is the last line with "Recipient"', async () => {
  await withQueue(async (cli) => {
    const out = await ok(cli, 'showrecipients host example.net\nshowrecipients\n2\nBOB@example.org\nY\nshowrecipients sender BOB@example.org\n');
    const [byHost, caseSensitive, bySender] = out.split('mail.example.com> ').slice(1);
    /** What a driver for the real appliance takes as data: the lines after the last one containing "Recipient". */
    const rows = (text: string) => {
      const lines = text.split('\n');
      let header = -1;
      lines.forEach((l, i) => (l.includes('Recipient') ? (header = i) : undefined));
      return lines.slice(header + 1).filter((l) => l.trim() !== '');
    };
    assert.deepEqual(
      rows(byHost)
        .map((l) => l.split(/\s+/)[3])
        .sort(),
      ['a1@example.net', 'a2@example.net', 'a3@example.net', 'b1@example.net', 'b3@example.net'],
    );
    assert.match(byHost, /^5 recipients queued for example\.net\.$/m);
    assert.deepEqual(rows(caseSensitive), [], 'case-sensitive: BOB matches nobody');
    assert.deepEqual(
      rows(bySender)
        .map((l) => l.split(/\s+/)[3])
        .sort(),
      ['b1@example.net', 'b3@example.net'],
    );
  });
});

test('bouncerecipients for one host: DSNs reach the senders for exactly its recipients; Other Hard Bounces count them', async () => {
  await withQueue(async (cli, backend, revive) => {
    const out = await ok(cli, 'bouncerecipients\n1\nexample.net\nY\n');
    assert.match(out, /\[N\]> Y\n\n5 recipients bounced\.\n/);
    await cli.engine.idle();
    await waitFor(() => backend.dsns().length === 4, 'one DSN per message');
    const bounced: string[] = [];
    for (const m of backend.dsns()) {
      const dsn = await parseDsn(m.content);
      for (const r of dsn.recipients) {
        assert.equal(r.action, 'failed');
        bounced.push(`${m.to.join(',')} ${r['final-recipient'].replace(/^rfc822;\s*/, '')}`);
      }
    }
    assert.deepEqual(bounced.sort(), [
      'alice@example.org a1@example.net',
      'alice@example.org a2@example.net',
      'alice@example.org a3@example.net',
      'bob@example.org b1@example.net',
      'bob@example.org b3@example.net',
    ]);
    assert.match(await ok(cli, 'status'), /^ {8}Other Hard Bounces +5 +5 +5$/m);
    assert.match(await ok(cli, 'bouncerecipients host example.net'), /No messages bounced\./);
    // The host returns: nothing bounced is delivered.
    const dead = await revive();
    await ok(cli, 'delivernow ALL');
    await cli.engine.idle();
    assert.equal(dead.messages.length, 0);
  });
});

test('bouncerecipients notes that delivery is currently suspended', async () => {
  await withQueue(async (cli) => {
    const out = await ok(cli, 'suspenddel example.net 0\nbouncerecipients sender alice@example.org\n');
    assert.match(out, /3 recipients bounced\.\nDelivery is currently suspended/);
  });
});

test("deleterecipients by sender removes only that sender's recipients; nothing is ever delivered for them", async () => {
  await withQueue(async (cli, backend, revive) => {
    const out = await ok(cli, 'deleterecipients\n2\nbob@example.org\nN\ndeleterecipients\n2\nbob@example.org\nY\n');
    assert.match(out, /\[N\]> N\n\nNo recipients deleted\./);
    assert.match(out, /\[N\]> Y\n\n2 recipients deleted\./);
    // A host it never had mail for is a failure, as hoststatus's is.
    const nowhere = await batch(cli.socket, 'deleterecipients host nowhere.example\n');
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stdout, /No record of that host\./);
    assert.match(await ok(cli, 'status'), /^ {6}Deleted Recipients +2 +2 +2$/m);
    const dead = await revive();
    await ok(cli, 'delivernow ALL');
    await cli.engine.idle();
    await waitFor(() => dead.messages.length === 2, "alice's mail delivered");
    const delivered = dead.messages.flatMap((m) => m.to).sort();
    assert.deepEqual(delivered, ['a1@example.net', 'a2@example.net', 'a3@example.net']);
    assert.ok(dead.messages.every((m) => m.from === 'alice@example.org'));
    assert.equal(backend.dsns().length, 0, 'deleted recipients get no DSN');
    assert.equal(cli.engine.api.gauges().activeRecipients, 0);
  });
});

test('removemessage asks first, removes one message without a DSN; an unknown MID is reported without a question', async () => {
  await withQueue(async (cli, backend) => {
    const mid = (await cli.engine.api.queuedRecipients({ kind: 'sender', sender: 'alice@example.org' })).rows[0].mid;
    const out = await ok(cli, `removemessage\n${mid}\nY\nremovemessage\n999999\nshowmessage\n${mid}\n`);
    assert.match(out, new RegExp(`MID ${mid} removed \\(2 recipients deleted\\)\\.`));
    assert.match(out, /\[\]> 999999\n\nMID 999999 not found\.\n/);
    assert.match(out, new RegExp(`\\[\\]> ${mid}\\n\\nMID ${mid} not found\\.\\n`));
    await cli.engine.idle();
    assert.equal(backend.dsns().length, 0);
  });
});

test('redirectrecipients delivers all queued mail to another real SMTP server', async () => {
  await withQueue(async (cli) => {
    const other = await startBackend();
    try {
      const out = await ok(cli, `redirectrecipients\n127.0.0.1:${other.port}\nY\n`);
      assert.match(out, /5 recipients redirected to 127\.0\.0\.1:\d+\./);
      await waitFor(() => other.messages.flatMap((m) => m.to).length === 5, 'all 5 recipients at the other server');
      assert.deepEqual(other.messages.flatMap((m) => m.to).sort(), ['a1@example.net', 'a2@example.net', 'a3@example.net', 'b1@example.net', 'b3@example.net']);
      await cli.engine.idle();
      assert.equal(cli.engine.api.gauges().activeRecipients, 0);
    } finally {
      await other.stop();
    }
  });
});
