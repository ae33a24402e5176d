// The pure parts of the alerts: duplicate suppression's intervals, the queue's conservation
// levels and their bounds, the subject form and header folding, the recipients table's rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALERT_CLASSES,
  alertHeadline,
  alertMessage,
  ALERTS,
  alertSettings,
  alertSubject,
  DuplicateSuppression,
  foldHeader,
  recipientsFor,
  type AlertView,
} from '../../src/model/alerts.js';
import { defaultConfig } from '../../src/model/config.js';
import { levelBounds } from '../../src/model/conservation.js';
import { ConservationWatch, QueueLevelWatch } from '../../src/engine/alerts/conservation-watch.js';
import {
  alertListing,
  createRecipient,
  editRecipient,
  NONE_WITH_OTHERS,
  parseClasses,
  parseEditSeverities,
  parseRecipientAddress,
  parseSeverities,
  setupDuplicates,
} from '../../src/model/tables/alerts.js';
import { refusalOf } from '../../src/model/change.js';
import { statusLineText, statusSegments } from '../../cli/ink/status-line.js';

const S = 1000;
const W = { initialMs: 300 * S, maxMs: 3_600 * S };

test('duplicates: held back within the interval, one summary at its end, the interval doubling up to the maximum, reset after a quiet maximum', () => {
  const d = new DuplicateSuppression();
  assert.deepEqual(d.occur('k', 0, W), { send: true, suppressed: 0, since: 0 });
  assert.deepEqual(d.occur('k', 100 * S, W), { send: false, until: 300 * S, suppressed: 1 });
  assert.deepEqual(d.occur('k', 200 * S, W), { send: false, until: 300 * S, suppressed: 2 });
  assert.equal(d.due('k', 299 * S, W), undefined, 'not before the interval ends');
  assert.deepEqual(d.due('k', 300 * S, W), { send: true, suppressed: 2, since: 100 * S });
  assert.equal(d.due('k', 300 * S, W), undefined, 'told once');
  // The next interval is twice as long: 600 s after the summary.
  assert.deepEqual(d.occur('k', 800 * S, W), { send: false, until: 900 * S, suppressed: 1 });
  assert.deepEqual(d.occur('k', 950 * S, W), { send: true, suppressed: 1, since: 800 * S });
  // 1,200, 2,400, then the maximum.
  assert.deepEqual(d.occur('k', 950 * S + 1_199 * S, W), { send: false, until: 950 * S + 1_200 * S, suppressed: 1 });
  assert.equal(d.occur('k', 950 * S + 1_200 * S, W).send, true);
  assert.equal(d.occur('k', 2_150 * S + 2_400 * S, W).send, true);
  assert.deepEqual(d.occur('k', 4_550 * S + 3_599 * S, W), { send: false, until: 4_550 * S + 3_600 * S, suppressed: 1 });
  // Another key is not a duplicate.
  assert.equal(d.occur('other', 4_550 * S + 3_599 * S, W).send, true);
  // Quiet for a whole maximum: the initial interval again.
  const e = new DuplicateSuppression();
  e.occur('k', 0, W);
  e.occur('k', 300 * S, W);
  assert.deepEqual(e.occur('k', 300 * S + 3_600 * S, W), { send: true, suppressed: 0, since: 3_900 * S });
  assert.deepEqual(e.occur('k', 3_901 * S, W), { send: false, until: 4_200 * S, suppressed: 1 });
  // An initial interval of 0 holds nothing back.
  const none = new DuplicateSuppression();
  for (let i = 0; i < 3; i++) assert.equal(none.occur('k', 0, { initialMs: 0, maxMs: 0 }).send, true);
});

test('conservation levels: 80 / 90 / 100 % of the fuller limit, and the bounds that change them', () => {
  const limits = { maxMessages: 20, maxBytes: 1_000_000 };
  assert.deepEqual(levelBounds(15, 0, limits), { level: 0, upCount: 16, upBytes: 800_000, downCount: -Infinity, downBytes: -Infinity });
  assert.deepEqual(levelBounds(16, 0, limits), { level: 1, upCount: 18, upBytes: 900_000, downCount: 16, downBytes: 800_000 });
  assert.equal(levelBounds(19, 0, limits).level, 2);
  assert.equal(levelBounds(20, 0, limits).level, 3);
  assert.equal(levelBounds(1, 950_000, limits).level, 2, 'bytes count too');
  assert.equal(levelBounds(6, 0, { maxMessages: 7, maxBytes: 1 << 30 }).level, 1, '6 of 7 is 85 %');
  assert.equal(levelBounds(0, 0, { maxMessages: 0, maxBytes: 1 }).level, 3, 'a limit of 0 is full');

  const changes: number[] = [];
  let config = { ...defaultConfig(), queueMaxMessages: 20 };
  const watch = new QueueLevelWatch(
    () => config,
    (level) => changes.push(level),
  );
  for (let n = 0; n <= 20; n++) watch.check(n, 0);
  for (let n = 20; n >= 0; n--) watch.check(n, 0);
  assert.deepEqual(changes, [1, 2, 3, 2, 1, 0], 'told only of crossings');
  watch.check(10, 0);
  config = { ...config, queueMaxMessages: 10 };
  watch.check(10, 0);
  assert.equal(changes.at(-1), 3, 'a commit that lowers the limit is seen at the next check');
});

test('the subject form `<severity>-<hostname>: (<class>) <message>`, folded at 78 columns; the body names the alert', () => {
  const spec = ALERTS.conservationStart('mail.example.com', { kind: 'queue', start: 80, halt: 100 });
  const subject = alertSubject(spec.severity, 'mail.example.com', spec.alertClass, spec.text);
  assert.equal(
    subject,
    "Critical-mail.example.com: (System) This system (hostname: mail.example.com) has entered a 'resource conservation' mode in order to prevent the rapid depletion of critical system resources.",
  );
  const folded = foldHeader('Subject', subject);
  for (const l of folded.split('\r\n')) assert.ok(l.length <= 78, l);
  assert.equal(folded.replace(/\r\n /g, ' '), `Subject: ${subject}`);
  const alert: AlertView = { id: 3, at: Date.UTC(2026, 10, 28, 12), ...spec, subject, deliveries: [] };
  const mail = alertMessage(alert, {
    hostname: 'mail.example.com',
    from: 'alert@mail.example.com',
    to: 'ops@example.net',
    version: '1.0.0',
    messageId: 'x@y',
  }).toString();
  assert.match(
    mail,
    /\r\n\r\nThe Critical message is:\r\n\r\nThis system \(hostname: mail\.example\.com\) has entered a 'resource conservation'\r\nmode in order/,
  );
  assert.match(mail, /\r\nAlert: MAIL\.RES_CON_START_ALERT\.QUEUE\r\nClass: System\r\n/);
  assert.match(mail, /^Content-Transfer-Encoding: 7bit$/m);
});

test('alert recipients: classes and severities by number or name, None alone, one rule for addresses, who gets what', () => {
  assert.deepEqual(parseClasses('1'), { value: [...ALERT_CLASSES] });
  assert.deepEqual(parseClasses('2, anti-spam'), { value: ['System', 'Anti-Spam'] });
  assert.deepEqual(parseClasses('12'), { error: 'Unknown option.' });
  assert.deepEqual(parseSeverities('critical,3'), { value: ['Critical', 'Warning'] });
  assert.deepEqual(parseSeverities('5'), { error: 'Unknown option.' }, 'None only in EDIT');
  assert.deepEqual(parseEditSeverities('none'), { value: 'none' });
  assert.deepEqual(parseEditSeverities('2,5'), { error: NONE_WITH_OTHERS });

  const config = defaultConfig();
  assert.match((parseRecipientAddress(config, 'not-an-address') as { error: string }).error, /^An email address is a localname/);
  createRecipient('ops@example.net', ['System'], ['Critical', 'Warning']).apply(config);
  createRecipient('boss@example.net', [...ALERT_CLASSES], ['Critical']).apply(config);
  assert.match(refusalOf(createRecipient('OPS@example.net', ['System'], ['Critical']), config)!, /already receives alerts/);
  const s = alertSettings(config);
  assert.deepEqual(recipientsFor(s, 'System', 'Critical'), ['ops@example.net', 'boss@example.net']);
  assert.deepEqual(recipientsFor(s, 'System', 'Warning'), ['ops@example.net']);
  assert.deepEqual(recipientsFor(s, 'System', 'Information'), []);
  editRecipient('ops@example.net', 'ops@example.net', ['System'], 'none').apply(config);
  assert.deepEqual(recipientsFor(alertSettings(config), 'System', 'Warning'), []);
  assert.deepEqual(alertListing(config).slice(0, 5), [
    'Sending alerts to:',
    '  1. ops@example.net',
    '        Class: (none: receives no alerts)',
    '  2. boss@example.net',
    '        Class: All - Severities: Critical',
  ]);
  assert.match(refusalOf(setupDuplicates(600, 300), config)!, /at least the initial/);
});

test('the status bar: the newest alert raised in the session, coloured by its severity, cut to fit', () => {
  const base = {
    hostname: 'mail.example.com',
    prompt: 'mail.example.com> ',
    systemStatus: 'Online' as const,
    pendingChanges: 0,
    queuedMessages: 0,
    activeRecipients: 0,
    connectionsIn: 0,
    connectionsOut: 0,
    hostsDown: 0,
  };
  const lastAlert = {
    severity: 'Critical' as const,
    subject: 'Critical-mail.example.com: (System) the queue is full: queue storage is at its limit of 20 messages; new mail is refused with 452 4.3.1',
  };
  const wide = statusSegments({ ...base, alerts: 1, lastAlert }, 200);
  const alert = wide.find((s) => s.text.startsWith('Alert: '))!;
  assert.equal(alert.text, 'Alert: the queue is full: queue storage is at its limi…');
  assert.equal(alert.tone, 'bad');
  assert.match(statusLineText({ ...base, alerts: 3, lastAlert }, 90), /Alerts 3: the queue is full: queu…/);
  assert.doesNotMatch(statusLineText(base, 200), /Alert/);
});

test('resource conservation: each cause its start alert, the stop alert when the last one ends; a full disk is a full queue, a read-only one an I/O error', () => {
  const raised: string[] = [];
  const watch = new ConservationWatch({ hostname: () => 'mail.example.com', raise: (a) => raised.push(`${a.name}: ${alertHeadline(a.text)}`) });
  const config = { ...defaultConfig(), queueMaxMessages: 20 };
  watch.queueLevel(1, { count: 16, bytes: 0 }, config);
  watch.memory(85);
  watch.queueLevel(3, { count: 20, bytes: 0 }, config);
  watch.memory(20);
  watch.queueLevel(0, { count: 2, bytes: 0 }, config);
  watch.disk({ what: 'queue/spool', reason: 'no space left on the device (ENOSPC)', since: 0 });
  watch.disk(null);
  watch.disk({ what: 'config.json', reason: 'the file system is read-only (EROFS)', since: 0 });
  assert.deepEqual(
    raised.map((r) => r.replace(/This system .* resources\./, 'entered')),
    [
      'MAIL.RES_CON_START_ALERT.QUEUE: entered',
      'MAIL.RES_CON_START_ALERT.MEMORY: entered',
      'MAIL.QUEUE.ERROR.FULL: the queue is full: queue storage is at its limit of 20 messages; new mail is refused with 452 4.3.1',
      "MAIL.RES_CON_STOP_ALERT: This system (hostname: mail.example.com) has exited 'resource conservation' mode as resource utilization has dropped below the conservation threshold.",
      'MAIL.RES_CON_START_ALERT: entered',
      'MAIL.QUEUE.ERROR.FULL: the queue is full: the disk is full (cannot write queue/spool: no space left on the device (ENOSPC)); new mail is refused with 452 4.3.1',
      "MAIL.RES_CON_STOP_ALERT: This system (hostname: mail.example.com) has exited 'resource conservation' mode as resource utilization has dropped below the conservation threshold.",
      'MAIL.RES_CON_START_ALERT: entered',
      'MAIL.QUEUE.ERROR.IO: could not access the queue: cannot write config.json: the file system is read-only (EROFS)',
    ],
  );
});
