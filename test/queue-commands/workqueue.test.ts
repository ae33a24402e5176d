// workqueue and resetqueue against a real engine and a real backend: a pause stops the hand-off
// of received mail to delivery (accepted, held, nothing delivered; status says so, across a
// restart too), resume delivers it; RATE streams until Ctrl-C and returns to the menu; at the
// work queue's limit receiving is suspended (421) and comes back below half of it; actions and
// resetqueue reach held messages with consistent gauges.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { runLineShell } from '../../cli/line-shell.js';
import { Engine } from '../../src/engine/engine.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { configCopy, listenerPort, removeDir, sendMail, startBackend, waitFor } from '../helpers/harness.js';

async function withEngine(fn: (cli: CliEngine, backend: Awaited<ReturnType<typeof startBackend>>) => Promise<void>): Promise<void> {
  const backend = await startBackend();
  const cli = await startCliEngine({ backendPort: backend.port });
  try {
    await fn(cli, backend);
  } finally {
    await cli.stop().catch(() => undefined);
    await backend.stop();
  }
}

test('workqueue pause holds received mail (accepted, not handed to delivery), status shows it, resume delivers it', async () => {
  await withEngine(async (cli, backend) => {
    const { engine } = cli;
    const paused = await batch(cli.socket, 'workqueue\npause\ny\nbackend maintenance\n\n');
    assert.equal(paused.code, 0, paused.stdout + paused.stderr);
    const port = listenerPort(engine);
    for (let i = 0; i < 3; i++) assert.ok((await sendMail(port, { to: `user${i}@example.com` })).ok, 'the listener still accepts mail');
    await engine.idle();
    assert.equal(backend.messages.length, 0, 'nothing was handed to delivery');
    assert.equal(engine.api.gauges().messagesInWorkQueue, 3);
    assert.equal(engine.api.gauges().activeRecipients, 0, 'held mail is not in the delivery queue');
    const status = await batch(cli.socket, 'workqueue status\nstatus\nworkqueue rate 1 1\n');
    assert.match(status.stdout, /Status:\s+Paused by admin: backend maintenance\nMessages:\s+3\n/);
    assert.match(status.stdout, /Messages In Work Queue\s+3/);
    assert.match(status.stdout, /\d\d:\d\d:\d\d +3 +0 +0/, 'the rate row: 3 pending');
    const log = await batch(cli.socket, 'grep "work queue" mail_logs\n');
    assert.match(log.stdout, /work queue paused, 0 msgs, backend maintenance/);
    const resumed = await batch(cli.socket, 'workqueue resume\n');
    assert.match(resumed.stdout, /Work queue resumed: 3 message\(s\) handed to delivery\./);
    await waitFor(() => backend.messages.length === 3, 'the held mail delivered');
    assert.equal(engine.api.gauges().messagesInWorkQueue, 0);
    assert.match((await batch(cli.socket, 'grep "work queue resumed" mail_logs\n')).stdout, /work queue resumed, 3 msgs/);
  });
});

test('a pause survives a restart: the mail received while paused waits again; what was tried before is delivered', async () => {
  const backend = await startBackend();
  const cli = await startCliEngine({ backendPort: backend.port });
  const dataDir = cli.engine.api.dataDir;
  let engine: Engine | undefined;
  try {
    await sendMail(listenerPort(cli.engine), { to: 'before@example.com' });
    await waitFor(() => backend.messages.length === 1, 'the first delivered');
    await cli.engine.api.pauseWorkQueue('restart test');
    await sendMail(listenerPort(cli.engine), { to: 'held@example.com' });
    await cli.engine.idle();
    await cli.control.close();
    await cli.engine.stop();
    engine = await Engine.start({
      dataDir,
      timeScale: 0,
      warn: () => undefined,
      connectionLingerMs: 200,
      overrides: { listen: { host: '127.0.0.1', port: 0 } },
    });
    await engine.queueLoaded;
    await engine.idle();
    const view = engine.api.workQueue();
    assert.equal(view.paused?.reason, 'restart test');
    assert.equal(view.messages, 1, 'the held message waits again');
    assert.equal(backend.messages.length, 1);
    assert.equal(await engine.api.resumeWorkQueue(), 1);
    await waitFor(() => backend.messages.length === 2, 'delivered after the resume');
  } finally {
    await engine?.stop();
    await backend.stop();
    await removeDir(dataDir);
  }
});

test('resource conservation: at the work queue limit receiving is suspended (421 4.3.2), below half it comes back', async () => {
  await withEngine(async (cli, backend) => {
    const { engine } = cli;
    const next = configCopy(engine);
    next.workQueueLimit = 2;
    await engine.api.applyConfig(next);
    await engine.api.pauseWorkQueue('limit test');
    const port = listenerPort(engine);
    assert.ok((await sendMail(port, { to: 'a@example.com' })).ok);
    assert.ok((await sendMail(port, { to: 'b@example.com' })).ok);
    assert.equal(engine.api.workQueue().conserving, true);
    const refused = await sendMail(port, { to: 'c@example.com' });
    assert.equal(refused.ok, false);
    assert.match(refused.response, /^421 4\.3\.2 /);
    const status = await batch(cli.socket, 'workqueue status\n');
    assert.match(status.stdout, /Receiving:\s+suspended by resource conservation: the work queue holds 2 or more \(it resumes below 1\)/);
    await engine.api.resumeWorkQueue();
    assert.equal(engine.api.workQueue().conserving, false);
    assert.ok((await sendMail(port, { to: 'c@example.com' })).ok, 'receiving is back');
    await waitFor(() => backend.messages.length === 3, 'all delivered');
    assert.match(
      (await batch(cli.socket, 'grep "Resource conservation" mail_logs\n')).stdout,
      /receiving suspended: the work queue holds 2 messages \(limit 2\)[\s\S]*Resource conservation ended/,
    );
  });
});

test('deleterecipients and resetqueue reach held messages; the gauges stay whole; resetqueue asks first and says how many', async () => {
  await withEngine(async (cli, backend) => {
    const { engine } = cli;
    await engine.api.pauseWorkQueue('cleanup');
    const port = listenerPort(engine);
    await sendMail(port, { from: 'spam@example.org', to: ['x@example.com', 'y@example.com'] });
    await sendMail(port, { from: 'ok@example.org', to: 'z@example.com' });
    await sendMail(port, { from: 'ok@example.org', to: 'w@example.com' });
    const deleted = await batch(cli.socket, 'deleterecipients sender spam@example.org\n');
    assert.match(deleted.stdout, /2 recipients deleted\./);
    assert.equal(engine.api.gauges().activeRecipients, 0);
    assert.equal(engine.api.workQueue().messages, 2);
    const declined = await batch(cli.socket, 'resetqueue\nn\n');
    assert.match(declined.stdout, /WARNING: this deletes every message in the queues, without a bounce to its sender:\n2 message\(s\) queued/);
    assert.match(declined.stdout, /The queues were not reset\./);
    assert.equal(engine.api.gauges().queuedMessages, 2);
    const reset = await batch(cli.socket, 'resetqueue\ny\n');
    assert.match(reset.stdout, /The queues were reset: 2 message\(s\) deleted \(2 recipient\(s\)\)\./);
    await engine.idle();
    assert.equal(engine.api.gauges().queuedMessages, 0);
    assert.equal(engine.api.gauges().activeRecipients, 0);
    assert.equal(engine.api.workQueue().messages, 0);
    assert.equal(engine.api.statusSnapshot(false).counters.deletedRecipients.reset, 4);
    await engine.api.resumeWorkQueue();
    await engine.idle();
    assert.equal(backend.messages.length, 0, 'nothing deleted was delivered, and no bounce went out');
    assert.match((await batch(cli.socket, 'grep "deleted by resetqueue" mail_logs\n')).stdout, /MID \d+ RID \[0\] deleted by resetqueue/);
  });
});

class Screen extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

test('workqueue RATE at a terminal: rows until Ctrl-C, which prints ^C and brings the workqueue menu back', async () => {
  await withEngine(async (cli) => {
    const input = new PassThrough();
    const screen = new Screen();
    const done = runLineShell(cli.socket, { input, output: screen, errors: screen });
    await waitFor(() => screen.text.endsWith('mail.example.com> '), 'the prompt');
    input.write('workqueue\rrate\r1\r');
    await waitFor(() => /Type Ctrl-C to return to the main prompt\.\n\n Time +Pending +In +Out\n\d\d:\d\d:\d\d +0 +0 +0\n/.test(screen.text), 'a row');
    const before = screen.text.length;
    input.write('\x03');
    await waitFor(() => /\^C\n[\s\S]*Choose the operation you want to perform:[\s\S]*\[\]> $/.test(screen.text.slice(before)), 'the menu again');
    input.write('\rquit\r');
    assert.equal(await done, 0);
    assert.doesNotMatch(screen.text, /Changes not recorded/, 'Ctrl-C ended the rows, not the command');
  });
});
