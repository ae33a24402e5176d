// alertconfig through the shell: the menu and its dialogs (NEW, EDIT with None, DELETE and CLEAR
// without confirmation, SETUP, FROM, FORECAST), the batch forms, one refusal for the same bad
// value in both, and the result stored with the configuration by commit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';

let cli: CliEngine;

before(async () => {
  cli = await startCliEngine();
});

after(async () => {
  await cli.stop();
});

test('the alertconfig dialogs: NEW, EDIT (None), SETUP, FROM, FORECAST, DELETE without confirmation; commit stores them', async () => {
  const input = [
    'alertconfig',
    'NEW',
    'not an address',
    'ops@ops.example.net',
    '2,7',
    '2,3',
    'NEW',
    'boss@example.net',
    '',
    '',
    'EDIT',
    '1',
    '',
    'anti-spam',
    '2,5',
    '5',
    'SETUP',
    '600',
    '300',
    '1200',
    'FROM',
    'esa-alerts@example.net',
    'FORECAST',
    '10',
    '12',
    '30',
    'DELETE',
    '2',
    '',
    'commit "alerts"',
    '',
  ].join('\n');
  const r = await batch(cli.socket, input);
  assert.equal(r.code, 0, r.stdout);
  const out = r.stdout;
  assert.match(out, /There are no email addresses configured to receive alerts\./);
  assert.match(
    out,
    /- NEW - Add a new email address to send alerts\.\n- SETUP - Configure alert settings\.\n- FROM - Configure the From: Address of alert emails\./,
  );
  assert.match(
    out,
    /Please enter a new email address to send alerts\.\n\(Ex: "administrator@example\.com"\)\n\[\]> not an address\n\nAn email address is a localname/,
  );
  assert.match(out, /Choose the Alert Classes\.\nSeparate multiple choices with commas\.\n1\. All\n2\. System\n/);
  assert.match(out, /Select a Severity Level\.\nSeparate multiple choices with commas\.\n1\. All\n2\. Critical\n3\. Warning\n4\. Information\n\[1\]> 2,3/);
  assert.match(
    out,
    /Sending alerts to:\n {2}1\. ops@ops\.example\.net\n {8}Class: System - Severities: Critical, Warning\n {8}Class: Anti-Spam - Severities: Critical, Warning\n/,
  );
  assert.match(out, /- CLEAR - Remove all email addresses \(system will not send alerts\)\./, 'CLEAR once an address exists');
  assert.match(out, /5\. None\n\[1\]> 2,5\n\nYou cannot pick None together with other severity levels\./);
  assert.match(out, /\[300\]> 600\n/);
  assert.match(
    out,
    /Maximum number of seconds to wait before sending a duplicate alert\.\n\[3600\]> 300\n\nThe maximum number of seconds must be at least the initial number of seconds\./,
  );
  assert.doesNotMatch(out, /Are you sure/, 'DELETE does not confirm');

  const alerts = cli.engine.api.config().alerts!;
  assert.deepEqual(alerts.recipients, [{ address: 'ops@ops.example.net', classes: { System: ['Critical', 'Warning'] } }]);
  assert.equal(alerts.duplicateInitial, 600);
  assert.equal(alerts.duplicateMax, 1200);
  assert.equal(alerts.from, 'esa-alerts@example.net');
  assert.deepEqual(alerts.forecast, { downMinutes: 10, bounceHours: 12, fullMinutes: 30 });
});

test('alertconfig batch: the same refusals as the dialogs; edit, from default, clear', async () => {
  const bad = await batch(cli.socket, 'alertconfig new nobody\n');
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /An email address is a localname and a domain joined by "@", such as admin@example\.com\./);
  const none = await batch(cli.socket, 'alertconfig edit ops@ops.example.net system critical,none\n');
  assert.match(none.stdout, /You cannot pick None together with other severity levels\./);
  const setup = await batch(cli.socket, 'alertconfig setup 600 300\n');
  assert.match(setup.stdout, /The maximum number of seconds must be at least the initial number of seconds\./);

  const r = await batch(
    cli.socket,
    [
      'alertconfig new second@example.net',
      'alertconfig edit ops@ops.example.net all information',
      'alertconfig from default',
      'alertconfig forecast bounce=2',
      'alertconfig print',
      'alertconfig clear',
      'commit "more"',
      '',
    ].join('\n'),
  );
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /Added alert recipient second@example\.net: class All, severities All\./);
  assert.match(r.stdout, /Edited alert recipient ops@ops\.example\.net: class All now Information\./);
  assert.match(r.stdout, /Alerts are sent from the default address \(alert@<hostname>\)\./);
  assert.match(
    r.stdout,
    /Forecast alert \(esa-sim\): once a destination has been down 10 minute\(s\); again 2 hour\(s\) before its first bounce and 30 minute\(s\) before queue storage fills\./,
  );
  assert.match(r.stdout, /Deleted every alert recipient: no alert is sent by mail\./);
  const alerts = cli.engine.api.config().alerts!;
  assert.deepEqual(alerts.recipients, []);
  assert.equal(alerts.from, undefined);
  assert.equal(alerts.forecast.bounceHours, 2);

  const empty = await batch(cli.socket, 'alertconfig clear\n');
  assert.match(empty.stdout, /There are no email addresses configured to receive alerts\./);
});

test("displayalerts with nothing raised: the appliance's line", async () => {
  const r = await batch(cli.socket, 'displayalerts\n');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^There are no alerts stored currently on the appliance$/m);
});
