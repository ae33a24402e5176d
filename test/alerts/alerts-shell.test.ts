// Alerts in the interactive shell, in a real pseudo-terminal: an alert raised while a dialog
// waits for its answer shows in the status bar at once, and the dialog's question stays as it
// was (nothing is printed into it); the dialog goes on and ends as it would have.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BackendServer } from '../../src/sandbox/backend.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { listenerPort, sendMail, startBackend } from '../helpers/harness.js';
import { PROMPT, shellIn, type ShellTerminal } from '../shell/terminal.js';

let backend: BackendServer;
let sink: BackendServer;
let cli: CliEngine;
let t: ShellTerminal | undefined;

before(async () => {
  backend = await startBackend();
  sink = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port, sandbox: new Sandbox(backend) });
});

after(async () => {
  t?.kill();
  await cli.stop();
  await sink.stop();
  await backend.stop();
});

test('an alert raised during a dialog shows in the status bar; the question stays and the dialog goes on', async () => {
  const setup = await batch(
    cli.socket,
    [`smtproutes new ops.example.net 127.0.0.1:${sink.port}`, 'alertconfig new ops@ops.example.net', 'commit "ops"', ''].join('\n'),
  );
  assert.equal(setup.code, 0, setup.stdout);
  t = shellIn(cli.socket, { cols: 160 });
  const bar = () =>
    t!
      .screen()
      .filter((l) => l.includes('│'))
      .at(-1) ?? '';
  await t.until('the main prompt', (x) => PROMPT.test(x.promptLine()));
  await t.type('bounceconfig\r');
  await t.until('the bounceconfig menu', (x) => x.promptLine() === '[]>');

  await backend.setMode('down');
  await sendMail(listenerPort(cli.engine), { to: 'someone@example.com' });
  await t.until('the alert in the status bar', () => /Alert: The backend of exam/.test(bar()));
  assert.equal(t.promptLine(), '[]>', 'the question is still the last line above the bar');
  assert.doesNotMatch(t.lines().join('\n'), /went down at .*\n.*\[\]>/, 'nothing was printed into the dialog');
  await sink.setMode('up');

  t.write('\r');
  await t.until('back at the main prompt', (x) => PROMPT.test(x.promptLine()));
  await t.type('displayalerts\r');
  await t.untilLine(/MAIL\.FORECAST\.HOST_DOWN$/);
  await backend.setMode('up');
  t.write('\x04');
  assert.equal(await t.exited, 0);
});
