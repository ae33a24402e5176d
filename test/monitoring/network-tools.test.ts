// telnet and topin against real peers: telnet to a backend that is down says the connection was
// refused; to the live backend it shows the greeting and carries an SMTP conversation (batch and
// the line shell, which the server's closing ends); -c connects and closes. topin counts the open
// inbound connections by client address and listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PassThrough, Writable } from 'node:stream';
import { runLineShell } from '../../cli/line-shell.js';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { batch, oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { listenerPort, startBackend, waitFor } from '../helpers/harness.js';
import { SmtpTalk } from '../helpers/smtp-talk.js';

let cli: CliEngine;
let backend: BackendServer;

before(async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
});

after(async () => {
  await cli.stop();
  await backend.stop();
});

test('telnet to a backend that is down: "Trying", the refused connection, "Unable to connect to remote host"', async () => {
  await backend.setMode('down');
  try {
    const r = await batch(cli.socket, 'telnet\n\n\n\n');
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`Enter the remote port\\.\\n\\[${backend.port}\\]> `), "the backend's host and port are the defaults");
    assert.match(
      r.stdout,
      /Trying 127\.0\.0\.1\.\.\.\ntelnet: connect to address 127\.0\.0\.1: Connection refused\n\ntelnet: Unable to connect to remote host: Connection refused\n/,
    );
    assert.match(r.stderr, /telnet: Unable to connect to remote host: Connection refused/);
  } finally {
    await backend.setMode('up');
  }
});

test('telnet to the live backend: the greeting, then an SMTP conversation a line at a time until the server closes', async () => {
  const r = await batch(cli.socket, `telnet 127.0.0.1 ${backend.port}\nEHLO admin.example.com\nNOOP\nQUIT\nstatus\n`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const text = r.stdout;
  assert.match(
    text,
    /Trying 127\.0\.0\.1\.\.\.\nConnected to 127\.0\.0\.1\.\nEscape character is '\^\]'\.\n220 .*\nEHLO admin\.example\.com\n250-[\s\S]*?\n250 .*\nNOOP\n250 .*\nQUIT\n221 .*\nConnection closed by foreign host\.\n/,
  );
  assert.match(text, /mail\.example\.com> status\n/, 'the line after the conversation is a command again');
  const c = await oneLine(cli.socket, `telnet 127.0.0.1 ${backend.port}`);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /Connected to 127\.0\.0\.1\.\nEscape character is '\^\]'\.\n(220 .*\n)?Connection closed\.\n/);
});

class Screen extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

test('telnet in the line shell: lines typed go to the host; when it closes, the shell takes the next line as a command', async () => {
  const input = new PassThrough();
  const output = new Screen();
  const done = runLineShell(cli.socket, { input, output, errors: output });
  await waitFor(() => output.text.endsWith('mail.example.com> '), 'the prompt');
  input.write(`telnet 127.0.0.1 ${backend.port}\r`);
  await waitFor(() => /\n220 /.test(output.text), 'the greeting');
  input.write('QUIT\r');
  await waitFor(() => output.text.includes('Connection closed by foreign host.'), 'the close');
  await waitFor(() => output.text.endsWith('mail.example.com> '), 'the prompt again');
  input.write('version\r');
  await waitFor(() => output.text.includes('Current Version'), 'the next line ran as a command');
  input.write('quit\r');
  assert.equal(await done, 0);
  assert.match(output.text, /QUIT\n221 /, 'the line typed was echoed and sent');
});

test('topin: the open inbound connections by client address and listener, in rows scripts parse', async () => {
  const port = listenerPort(cli.engine);
  const sessions = [await SmtpTalk.open(port), await SmtpTalk.open(port)];
  try {
    for (const s of sessions) assert.match(await s.reply(), /^220 /);
    await waitFor(() => cli.engine.api.inboundConnections() === 2, 'two sessions open');
    const r = await batch(cli.socket, 'topin\n');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Status as of:'));
    assert.match(lines[at + 2], /Conn\.$/);
    assert.match(lines[at + 3], /^# +Remote hostname +Remote IP +Listener +In$/);
    // The reference driver's row pattern.
    const row = /^(\d+) +(\S+) +([\d.]+) +(.*) +(\d+)\s*$/.exec(lines[at + 4]);
    assert.ok(row, lines[at + 4]);
    assert.deepEqual([row[1], row[3], row[4].trim(), row[5]], ['1', '127.0.0.1', 'IncomingMail', '2']);
  } finally {
    for (const s of sessions) s.socket.destroy();
  }
});
