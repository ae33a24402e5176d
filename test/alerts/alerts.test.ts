// Alerts end to end: the backend of example.com is down, an alert recipient is routed by
// smtproutes to a separate real SMTP sink, and queue storage fills. The resource-conservation
// and queue-full alerts reach the sink once each within the suppression interval (a flap of the
// queue's level is held back, then summarised), in the appliance's subject form; the forecast
// alert arrives long before the first bounce and names its time within 1 % of the first 5.4.7
// bounce of the mail log, the clock played through the outage on the engine's own timers.
// displayalerts lists them; a guest may read them, not configure them. Then: alert mail that
// cannot be sent (tried three times, said in the mail log, kept as not sent), required TLS
// failing, and the kept alerts across a restart and a damaged file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CliSession } from '../../src/appliance/control/session.js';
import { COMMANDS } from '../../src/appliance/registry.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { logTime } from '../../src/sandbox/scenarios/outcomes.js';
import { BackendServer, type StoredMail } from '../../src/sandbox/backend.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { listenerPort, readMailLog, removeDir, sendMail, sendMany, startEngine, tempDir, waitFor } from '../helpers/harness.js';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const HOUR = 3_600_000;
const HOST = 'mail.example.com';

let cli: CliEngine;
let sink: BackendServer;

before(async () => {
  sink = new BackendServer({ port: 0, keep: true, name: 'ops-mx.example.net' });
  await sink.start();
  // Everything else is routed to port 1 of loopback: the backend is down.
  cli = await startCliEngine({ clockStart: T0, backendPort: 1, overrides: { queueMaxMessages: 20 } });
});

after(async () => {
  await cli.stop();
  await sink.stop();
});

/** A header of a received mail, unfolded. */
function header(mail: StoredMail, name: string): string {
  const head = mail.content
    .toString('utf8')
    .split('\r\n\r\n')[0]
    .replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1] ?? '';
}
const body = (mail: StoredMail) => mail.content.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');
const alertName = (mail: StoredMail) => /^Alert: (\S+)$/m.exec(body(mail))?.[1];
const received = (name: string) => sink.messages.filter((m) => alertName(m) === name);

const RES_CON_SUBJECT = `Critical-${HOST}: (System) This system (hostname: ${HOST}) has entered a 'resource conservation' mode in order to prevent the rapid depletion of critical system resources.`;

test('backend down, storage filling: the alerts reach the ops mailbox by their own path, once each, and the forecast names the first bounce', async () => {
  const { engine, socket } = cli;
  // A session open all along: its status (the Ink shell's status bar) tells of the alerts raised since it began.
  const watching = new CliSession(engine.api, COMMANDS, { print: () => undefined, ask: async () => ({ eof: true }) });
  const setup = await batch(
    socket,
    [`smtproutes new ops.example.net 127.0.0.1:${sink.port}`, 'alertconfig new ops@ops.example.net all all', 'commit "alerts to ops"', ''].join('\n'),
  );
  assert.equal(setup.code, 0, setup.stdout);
  assert.match(setup.stdout, /Added alert recipient ops@ops\.example\.net: class All, severities All\./);

  // Storage fills: 20 messages of a limit of 20, the first delivery attempt finds the backend down.
  const mids = await sendMany(listenerPort(engine), 20, () => ({ to: 'bob@example.com' }));
  const refused = await sendMail(listenerPort(engine), { to: 'bob@example.com' });
  assert.equal(refused.code, 452, refused.response);

  await waitFor(
    () => ['MAIL.FORECAST.HOST_DOWN', 'MAIL.RES_CON_START_ALERT.QUEUE', 'MAIL.QUEUE.ERROR.FULL'].every((n) => received(n).length === 1),
    'the three alerts at the sink',
  );
  const [resCon] = received('MAIL.RES_CON_START_ALERT.QUEUE');
  assert.equal(header(resCon, 'Subject'), RES_CON_SUBJECT);
  assert.equal(header(resCon, 'From'), `alert@${HOST}`);
  assert.deepEqual(resCon.to, ['ops@ops.example.net']);
  assert.ok(
    body(resCon).includes(
      `This system (hostname: ${HOST}) has entered a 'resource conservation'\r\nmode in order to prevent the rapid depletion of critical system resources.\r\n\r\n` +
        'Queue utilization for this system has exceeded the resource conservation\r\nthreshold of 80%. The allowed receiving rate for this system will be\r\n' +
        'gradually decreased as queue utilization approaches 100%.',
    ),
    body(resCon),
  );
  const [full] = received('MAIL.QUEUE.ERROR.FULL');
  assert.equal(
    header(full, 'Subject'),
    `Critical-${HOST}: (System) the queue is full: queue storage is at its limit of 20 messages; new mail is refused with 452 4.3.1`,
  );
  const [down] = received('MAIL.FORECAST.HOST_DOWN');
  assert.match(
    header(down, 'Subject'),
    /^Warning-mail\.example\.com: \(System\) The backend of example\.com went down at Sat Nov 28 12:00:00 2026; at this rate the first queued mail bounces at /,
  );

  // The level flaps within the interval: five messages leave, five more fill it again.
  for (const mid of mids.slice(0, 5)) await engine.api.deleteRecipients({ kind: 'message', mid });
  await waitFor(() => received('MAIL.RES_CON_STOP_ALERT').length === 1, 'the stop alert');
  await sendMany(listenerPort(engine), 5, () => ({ to: 'bob@example.com' }));
  await waitFor(async () => /Alert MAIL\.QUEUE\.ERROR\.FULL held back as a duplicate until /.test(await readMailLog(engine)), 'the held-back line');
  const log = await readMailLog(engine);
  assert.match(log, /Alert MAIL\.RES_CON_START_ALERT\.QUEUE held back as a duplicate until Sat Nov 28 12:05:00 2026 \(1 held back so far\)/);
  assert.equal(received('MAIL.RES_CON_START_ALERT.QUEUE').length, 1, 'once within the suppression interval');
  assert.equal(received('MAIL.QUEUE.ERROR.FULL').length, 1, 'once within the suppression interval');

  // The outage goes on: the clock plays through it on the engine's timers (each at its time).
  const clock = engineParts(engine).clock;
  await clock.play(90 * HOUR, () => engine.idle({ lingering: true }));
  const summaries = received('MAIL.QUEUE.ERROR.FULL');
  assert.equal(summaries.length, 2, 'the interval ended: one summary');
  assert.match(body(summaries[1]), /1 duplicate\(s\) of this alert were held back since Sat Nov 28 12:00:00 2026\./);
  assert.equal(header(summaries[1], 'Date'), 'Sat, 28 Nov 2026 12:05:00 +0000');

  const mailLog = (await readMailLog(engine)).split('\n');
  const bounce = mailLog.find((l) => /Bounced: .* - 5\.4\.7 - /.test(l));
  assert.ok(bounce, 'the first mail bounced');
  const bouncedAt = logTime(bounce)!;
  const said = /the first queued mail bounces at (\w{3} \w{3} \d\d [\d:]+ \d{4}) \(Default profile, 3d\)/.exec(body(down));
  assert.ok(said, body(down));
  const predicted = Date.parse(`${said[1]} UTC`);
  const alertedAt = Date.parse(header(down, 'Date'));
  assert.ok(alertedAt < bouncedAt, 'the forecast alert came before the first bounce');
  assert.ok(
    Math.abs(bouncedAt - predicted) <= 0.01 * (bouncedAt - alertedAt),
    `predicted ${new Date(predicted).toISOString()}, the first 5.4.7 bounce ${new Date(bouncedAt).toISOString()}`,
  );
  // And again as the first bounce came near (6 hours before it, alertconfig FORECAST's default).
  const [near] = received('MAIL.FORECAST.BOUNCE_NEAR');
  assert.ok(near, 'the bounce-near alert');
  assert.equal(Date.parse(header(near, 'Date')), predicted - 6 * HOUR);

  const status = watching.status();
  assert.equal(status.alerts, engine.api.alerts().length);
  assert.equal(status.lastAlert?.subject, engine.api.alerts()[0].subject);
  watching.close();

  // displayalerts lists them; a guest reads them and may not configure them.
  let out = '';
  const guest = new CliSession(engine.api, COMMANDS, { print: (t) => (out += t), ask: async () => ({ eof: true }) }, 0, {
    user: { name: 'visitor', role: 'guest', from: '192.0.2.7' },
  });
  assert.equal((await guest.run('displayalerts')).ok, true, out);
  assert.ok(out.includes(RES_CON_SUBJECT), out);
  assert.match(out, /MAIL\.QUEUE\.ERROR\.FULL\n +ops@ops\.example\.net: sent \(250 /);
  assert.match(out, /1 duplicate\(s\) held back since Sat Nov 28 12:00:00 2026/);
  for (const line of ['alertconfig', 'alertconfig new eve@example.net', 'alertconfig clear']) assert.equal((await guest.run(line)).error, ACCESS_REFUSED, line);
  assert.equal(engine.api.config().alerts?.recipients.length, 1);
});

test('alert mail that cannot be sent is tried three times, then said in the mail log and kept in displayalerts as not sent', async () => {
  const other = await startCliEngine({ clockStart: T0, backendPort: 1 });
  try {
    const { engine, socket } = other;
    // The ops domain is routed to a port nobody listens on; nobody takes Information alerts.
    const setup = await batch(
      socket,
      ['smtproutes new ops.example.net 127.0.0.1:1', 'alertconfig new ops@ops.example.net system critical,warning', 'commit "ops"', ''].join('\n'),
    );
    assert.equal(setup.code, 0, setup.stdout);
    await engine.api.suspendListeners(['IncomingMail'], 0);
    await engine.api.resumeListeners(['IncomingMail']);
    await engine.idle();
    const [resumed, suspended] = engine.api.alerts();
    assert.equal(suspended.name, 'MAIL.IMH.LISTENER_SUSPENDED');
    assert.deepEqual(
      suspended.deliveries.map((d) => [d.state, d.attempts, d.nextAt]),
      [['sending', 1, T0 + 60_000]],
    );
    assert.deepEqual(resumed.deliveries, [], 'an Information alert nobody takes');
    await engineParts(engine).clock.play(10 * 60_000, () => engine.idle({ lingering: true }));
    const log = await readMailLog(engine);
    assert.match(
      log,
      /Sat Nov 28 12:00:00 2026 Info: Alert 1 to <ops@ops\.example\.net> not sent \(attempt 1 of 3\): 127\.0\.0\.1:1: ECONNREFUSED; next try Sat Nov 28 12:01:00 2026/,
    );
    assert.match(log, /Sat Nov 28 12:01:00 2026 Info: Alert 1 to <ops@ops\.example\.net> not sent \(attempt 2 of 3\): .*; next try Sat Nov 28 12:06:00 2026/);
    assert.match(
      log,
      /Sat Nov 28 12:06:00 2026 Info: Alert 1 could not be sent to <ops@ops\.example\.net> after 3 attempt\(s\): 127\.0\.0\.1:1: ECONNREFUSED; kept in displayalerts/,
    );
    assert.match(log, /Alert 2 has no recipient for System alerts of severity Information: kept in displayalerts/);
    const out = await batch(socket, 'displayalerts\n');
    assert.match(out.stdout, /ops@ops\.example\.net: NOT SENT after 3 attempt\(s\): 127\.0\.0\.1:1: ECONNREFUSED/);
    assert.match(out.stdout, /no recipient takes System alerts of severity Information \(alertconfig\)/);
  } finally {
    await other.stop();
  }
});

test('required TLS failing, with destconfig SETUP alert=yes: one Warning alert per domain, held back while it repeats', async () => {
  const other = await startCliEngine({ clockStart: T0, backendPort: sink.port });
  try {
    const { engine, socket } = other;
    // The built-in backend offers no STARTTLS: delivery that requires TLS cannot get it.
    const setup = await batch(
      socket,
      [
        `smtproutes new ops.example.net 127.0.0.1:${sink.port}`,
        'alertconfig new ops@ops.example.net',
        'destconfig new example.com tls=required',
        'destconfig setup alert=yes',
        'commit "tls"',
        '',
      ].join('\n'),
    );
    assert.equal(setup.code, 0, setup.stdout);
    const before = received('MAIL.OMH.TLS.UNAVAIL').length;
    await sendMail(listenerPort(engine), { to: 'bob@example.com' });
    await waitFor(() => received('MAIL.OMH.TLS.UNAVAIL').length === before + 1, 'the TLS alert');
    const mail = received('MAIL.OMH.TLS.UNAVAIL').at(-1)!;
    assert.match(
      header(mail, 'Subject'),
      /^Warning-mail\.example\.com: \(System\) Delivery to example\.com: TLS was required but could not be successfully negotiated \(/,
    );
    // The next host retries fail the same way within the interval: held back, not sent again.
    await engineParts(engine).clock.play(4 * 60_000, () => engine.idle({ lingering: true }));
    assert.equal(received('MAIL.OMH.TLS.UNAVAIL').length, before + 1);
    assert.match(await readMailLog(engine), /Alert MAIL\.OMH\.TLS\.UNAVAIL held back as a duplicate until /);
    assert.equal(engine.api.alerts().filter((a) => a.name === 'MAIL.FORECAST.HOST_DOWN').length, 0, 'a host held for TLS is not down');
  } finally {
    await other.stop();
  }
});

test('the alerts kept survive a restart; a damaged alerts.json is moved aside with one warning', async () => {
  const dataDir = await tempDir('esa-alerts-');
  const warnings: string[] = [];
  try {
    let engine = await startEngine({ dataDir, clockStart: T0 });
    await engine.api.suspendListeners(['IncomingMail'], 0);
    await engine.idle();
    await engine.stop();
    engine = await startEngine({ dataDir, clockStart: T0 });
    assert.deepEqual(
      engine.api.alerts().map((a) => [a.id, a.name]),
      [[1, 'MAIL.IMH.LISTENER_SUSPENDED']],
    );
    await engine.stop();
    await writeFile(path.join(dataDir, 'alerts.json'), '{"version": 1, "alerts": [');
    engine = await startEngine({ dataDir, clockStart: T0, warn: (l) => warnings.push(l) });
    assert.deepEqual(engine.api.alerts(), []);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /alerts\.json is damaged \(.*\): moved to alerts\.json\.corrupt-\d+; the alert list starts empty/);
    await engine.stop();
  } finally {
    await removeDir(dataDir);
  }
});
