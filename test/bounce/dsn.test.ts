// Unit tests of the pure DSN builder: structure, exact fields, status choice, copy vs headers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDsn, copiesWholeMessage, deliveryStatusFields, headerBlock, reportedStatus, type DsnInput } from '../../src/engine/bounce/dsn.js';
import { parseDsn } from './dsn-parse.js';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const original = Buffer.from(
  'Received: from client ([127.0.0.1])\r\n by mail.example.com with ESMTP id 7;\r\n Sat, 28 Nov 2026 12:00:00 +0000\r\n' +
    'From: alice@example.org\r\nTo: bob@example.com\r\nSubject: quarterly numbers\r\nMessage-ID: <q1@example.org>\r\n\r\n' +
    'Body line one\r\nBody line two\r\n',
);

function input(over: Partial<DsnInput> = {}): DsnInput {
  return {
    action: 'failed',
    hostname: 'mail.example.com',
    to: 'alice@example.org',
    subject: 'Delivery Status Notification (Failure)',
    date: T0 + 3_600_000,
    messageId: '<dsn.7.abc@mail.example.com>',
    arrival: T0,
    recipients: [
      {
        address: 'bob@example.com',
        status: '5.0.0',
        remoteReply: '550 5.1.1 <bob@example.com>: no such user',
        remoteMta: 'exchange.example.com',
        lastAttemptAt: T0 + 60_000,
        reason: '',
      },
    ],
    original,
    maxCopyBytes: 10_000,
    dsnFormat: true,
    boundary: 'fixedseed',
    ...over,
  };
}

test('reportedStatus: the remote class unless parsing is on; the local status when no remote answered', () => {
  assert.equal(reportedStatus('550 5.1.1 no such user', '5.1.1', false), '5.0.0');
  assert.equal(reportedStatus('550 5.1.1 no such user', '5.1.1', true), '5.1.1');
  assert.equal(reportedStatus('550 no such user', '5.0.0', true), '5.0.0');
  assert.equal(reportedStatus('554-5.7.1 first\n554 5.7.1 second', '5.0.0', true), '5.7.1');
  // An enhanced code of another class than the reply is not believed.
  assert.equal(reportedStatus('550 4.2.2 odd', '5.0.0', true), '5.0.0');
  assert.equal(reportedStatus('', '5.4.7', true), '5.4.7');
  assert.equal(reportedStatus('ECONNREFUSED', '4.4.1', true), '4.4.1');
  assert.equal(reportedStatus('451 4.3.0 try later', '4.4.1', false), '4.0.0');
  assert.equal(reportedStatus('451 4.3.0 try later', '4.4.1', true), '4.3.0');
});

test('headerBlock and the copy limit', () => {
  assert.equal(headerBlock(original).toString().endsWith('Message-ID: <q1@example.org>\r\n'), true);
  assert.equal(headerBlock(Buffer.from('A: 1\nB: 2\n\nbody')).toString(), 'A: 1\nB: 2\n');
  assert.equal(copiesWholeMessage(10_000, 10_000), true);
  assert.equal(copiesWholeMessage(10_001, 10_000), false);
});

test('delivery-status fields are exact', () => {
  assert.equal(
    deliveryStatusFields(input()),
    [
      'Reporting-MTA: dns; mail.example.com',
      'Arrival-Date: Sat, 28 Nov 2026 12:00:00 +0000',
      '',
      'Final-Recipient: rfc822; bob@example.com',
      'Action: failed',
      'Status: 5.0.0',
      'Remote-MTA: dns; exchange.example.com',
      'Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: no such user',
      'Last-Attempt-Date: Sat, 28 Nov 2026 12:01:00 +0000',
      '',
    ].join('\r\n'),
  );
});

test('a failure DSN: multipart/report with text, delivery-status and the original, parsed by mailparser', async () => {
  const raw = await buildDsn(input());
  assert.ok(!/[^\r]\n/.test(raw.toString('latin1')), 'every line ends in CRLF');
  const dsn = await parseDsn(raw);
  const p = dsn.parsed;
  assert.equal(p.from?.value[0].address, 'MAILER-DAEMON@mail.example.com');
  assert.equal((p.to as { value: { address: string }[] }).value[0].address, 'alice@example.org');
  assert.equal(p.subject, 'Delivery Status Notification (Failure)');
  assert.equal(p.messageId, '<dsn.7.abc@mail.example.com>');
  assert.equal(p.date?.getTime(), T0 + 3_600_000);
  assert.equal(p.headers.get('auto-submitted'), 'auto-replied');
  assert.equal(p.headers.get('mime-version'), '1.0');
  const ct = p.headers.get('content-type') as { value: string; params: Record<string, string> };
  assert.equal(ct.value, 'multipart/report');
  assert.equal(ct.params['report-type'], 'delivery-status');
  assert.deepEqual(dsn.partTypes, ['message/delivery-status', 'message/rfc822']);
  assert.match(p.text ?? '', /<bob@example\.com>: 550 5\.1\.1 <bob@example\.com>: no such user/);
  assert.deepEqual(dsn.message, { 'reporting-mta': 'dns; mail.example.com', 'arrival-date': 'Sat, 28 Nov 2026 12:00:00 +0000' });
  assert.equal(dsn.recipients.length, 1);
  assert.equal(dsn.recipients[0]['final-recipient'], 'rfc822; bob@example.com');
  assert.equal(dsn.recipients[0]['diagnostic-code'], 'smtp; 550 5.1.1 <bob@example.com>: no such user');
  assert.equal(dsn.original?.toString(), original.toString());
});

test('over max_bounce_copy only the headers go back, as text/rfc822-headers', async () => {
  const dsn = await parseDsn(await buildDsn(input({ maxCopyBytes: 100 })));
  assert.deepEqual(dsn.partTypes, ['message/delivery-status', 'text/rfc822-headers']);
  assert.equal(dsn.original?.toString(), headerBlock(original).toString());
  assert.ok(!dsn.original?.toString().includes('Body line one'));
});

test('a delay warning: Action delayed and Will-Retry-Until', async () => {
  const until = T0 + 259_200_000;
  const dsn = await parseDsn(
    await buildDsn(
      input({
        action: 'delayed',
        subject: 'Delivery Status Notification (Delay)',
        willRetryUntil: until,
        recipients: [{ address: 'bob@example.com', status: '4.4.1', lastAttemptAt: T0 + 60_000, reason: 'Not delivered yet (last error: ECONNREFUSED)' }],
      }),
    ),
  );
  assert.equal(dsn.parsed.subject, 'Delivery Status Notification (Delay)');
  const r = dsn.recipients[0];
  assert.equal(r.action, 'delayed');
  assert.equal(r.status, '4.4.1');
  assert.equal(r['will-retry-until'], 'Tue, 1 Dec 2026 12:00:00 +0000');
  assert.equal(r['diagnostic-code'], undefined, 'no remote answered');
  assert.equal(r['remote-mta'], undefined);
  assert.match(dsn.parsed.text ?? '', /retried until Tue, 1 Dec 2026 12:00:00 \+0000/);
});

test('several recipients give one block each', async () => {
  const dsn = await parseDsn(
    await buildDsn(
      input({
        recipients: [
          { address: 'a@example.com', status: '5.4.7', lastAttemptAt: T0, reason: 'expired' },
          { address: 'b@example.com', status: '5.4.7', reason: 'expired' },
        ],
      }),
    ),
  );
  assert.deepEqual(
    dsn.recipients.map((r) => [r['final-recipient'], r.status, r['last-attempt-date']]),
    [
      ['rfc822; a@example.com', '5.4.7', 'Sat, 28 Nov 2026 12:00:00 +0000'],
      ['rfc822; b@example.com', '5.4.7', undefined],
    ],
  );
});

test('DSN format off: one text/plain message with the report and the original', async () => {
  const raw = await buildDsn(input({ dsnFormat: false }));
  const dsn = await parseDsn(raw);
  assert.equal((dsn.parsed.headers.get('content-type') as { value: string }).value, 'text/plain');
  assert.deepEqual(dsn.partTypes, []);
  const text = dsn.parsed.text ?? '';
  assert.match(text, /<bob@example\.com>: 550 5\.1\.1/);
  assert.match(text, /Status: 5\.0\.0/);
  assert.match(text, /Subject: quarterly numbers/);
  assert.match(text, /Body line one/);
  assert.equal(dsn.parsed.from?.value[0].address, 'MAILER-DAEMON@mail.example.com');
});

test('8-bit originals and non-ASCII subjects survive', async () => {
  const eight = Buffer.concat([Buffer.from('Subject: caf\xc3\xa9\r\n\r\n', 'latin1'), Buffer.from('d\xc3\xa9j\xc3\xa0 vu\r\n', 'latin1')]);
  const raw = await buildDsn(input({ original: eight, subject: 'Non remis : échec' }));
  const dsn = await parseDsn(raw);
  assert.equal(dsn.parsed.subject, 'Non remis : échec');
  assert.equal(dsn.original?.toString('latin1'), eight.toString('latin1'));
});

test('without the original the report still goes out', async () => {
  const dsn = await parseDsn(await buildDsn(input({ original: null })));
  assert.deepEqual(dsn.partTypes, ['message/delivery-status']);
});
