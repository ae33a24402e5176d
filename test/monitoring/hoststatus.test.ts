// hoststatus against a real backend: down with the refusal while it refuses connections,
// up again (and the mail delivered) once it is back and the host's retry time has come.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { BackendServer } from '../../src/sandbox/backend.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { configCopy, listenerPort, sendMail, startBackend, waitFor } from '../helpers/harness.js';
import { oneLine, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;
let backend: BackendServer;

afterEach(async () => {
  await cli?.stop();
  await backend?.stop();
});

/** A label's value, found as the appliance's drivers find it: label, spaces, the rest of the line. */
function value(report: string, label: string): string | undefined {
  return new RegExp(`${label.replace(/[()]/g, '\\$&')}\\s+(.+?)\\r?$`, 'm').exec(report)?.[1];
}

test('hoststatus: down with the last error while the backend refuses, up after it returns', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
  await backend.setMode('down');
  const sent = await sendMail(listenerPort(cli.engine), { to: ['a@example.com', 'b@example.com'] });
  assert.ok(sent.ok, sent.response);
  await waitFor(() => cli.engine.api.hostStatus('example.com')?.down === true, 'example.com marked down');

  const down = await oneLine(cli.socket, 'hoststatus example.com');
  assert.equal(down.code, 0, down.stderr);
  const report = down.stdout;
  assert.equal(value(report, 'Host mail status for:'), "'example.com'");
  assert.equal(value(report, 'Host up/down:'), 'down');
  assert.match(value(report, 'Next host retry:') ?? '', /UTC \(in 1m 0s\)$/);
  assert.match(value(report, 'Last 4XX error:') ?? '', /ECONNREFUSED/);
  assert.equal(value(report, 'Active Recipients'), '2');
  assert.equal(value(report, 'Soft Bounced Events'), '1');
  assert.equal(value(report, 'Delivered Recipients'), '0');
  // Sections in the appliance's order; the routes end at a line with "Ordered".
  const at = (s: string) => report.indexOf(s);
  assert.ok(at('Counters:') < at('Gauges:') && at('Gauges:') < at('Oldest Message') && at('Last Activity') < at('SMTP routes for this host:'));
  assert.match(
    report,
    new RegExp(`SMTP routes for this host:\\n    Route "ALL": 127\\.0\\.0\\.1:${backend.port}\\nOrdered IP addresses: 127\\.0\\.0\\.1:${backend.port}\\n`),
  );
  assert.ok(!report.split('\n').some((l) => l.startsWith('>')));

  await backend.setMode('up');
  engineParts(cli.engine).clock.advance(60_000);
  await waitFor(() => backend.messages.length === 1, 'delivery once the host is retried');
  await cli.engine.idle();
  const up = (await oneLine(cli.socket, 'hoststatus EXAMPLE.COM')).stdout;
  assert.equal(value(up, 'Host up/down:'), 'up');
  assert.equal(value(up, 'Next host retry:'), undefined);
  assert.equal(value(up, 'Delivered Recipients'), '2');
  assert.equal(value(up, 'Completed Recipients'), '2');
  assert.equal(value(up, 'Active Recipients'), '0');
  assert.equal(value(up, 'Oldest Message'), 'No Messages');
});

test('hoststatus: a host without a record is one line and a failure; the dialog asks "Recipient host:"', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port });
  const r = await oneLine(cli.socket, 'hoststatus nowhere.example');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'No record of host: nowhere.example\n');
  assert.equal(r.stderr, 'No record of host: nowhere.example\n');
  const asked = await oneLine(cli.socket, 'hoststatus');
  assert.match(asked.stdout, /^Recipient host:\n\[\]> \n/);
  assert.equal(asked.code, 1);
});

test('hoststatus: a host routed to /dev/null or to DNS says so under its route', async () => {
  backend = await startBackend();
  cli = await startCliEngine({ backendPort: backend.port, accept: ['example.com', 'example.net', 'mx.invalid'] });
  const next = configCopy(cli.engine);
  next.routes = [{ domain: 'example.net', hosts: [], special: '/dev/null' }, { domain: 'mx.invalid', hosts: [], special: 'USEDNS' }, ...next.routes];
  await cli.engine.api.applyConfig(next);
  // Delivery to mx.invalid suspended: no DNS lookup leaves this machine.
  await cli.engine.api.suspendDelivery(['mx.invalid']);
  for (const to of ['a@example.net', 'b@mx.invalid']) {
    const sent = await sendMail(listenerPort(cli.engine), { to });
    assert.ok(sent.ok, sent.response);
  }
  await waitFor(() => cli.engine.api.hostStatus('example.net')?.activeRecipients === 0, 'the /dev/null delivery');
  await waitFor(() => cli.engine.api.hostStatus('mx.invalid')?.activeRecipients === 1, 'mail queued for mx.invalid');

  const devnull = (await oneLine(cli.socket, 'hoststatus example.net')).stdout;
  assert.match(devnull, /SMTP routes for this host:\n {4}Route "example\.net": \/dev\/null\nOrdered IP addresses: none \(mail for this host is discarded\)\n/);
  assert.equal(value(devnull, 'Delivered Recipients'), '1');
  const dns = (await oneLine(cli.socket, 'hoststatus mx.invalid')).stdout;
  assert.match(dns, /SMTP routes for this host:\n {4}Route "mx\.invalid": USEDNS\nOrdered IP addresses: from DNS \(MX records\) at each delivery\n/);
  assert.equal(value(dns, 'Active Recipients'), '1');
});
