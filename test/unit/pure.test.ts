// The small pure pieces: RAT, routes, heap, clock, reply parsing, dates, headers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../src/engine/clock.js';
import { fromSendError, fromSendResult, statusOf } from '../../src/engine/delivery/outcome.js';
import { matchRoute } from '../../src/engine/delivery/routes.js';
import { replyTuple } from '../../src/engine/delivery/scheduler.js';
import { formatApplianceDate, formatRfc5322Date } from '../../src/model/format-date.js';
import { MinHeap } from '../../src/engine/queue/min-heap.js';
import { headerValue } from '../../src/engine/smtp/headers.js';
import { domainOf, ratAccepts } from '../../src/model/rat.js';

test('RAT: exact domains, .subdomains, ALL, case-insensitive', () => {
  assert.equal(ratAccepts(['example.com'], 'EXAMPLE.com'), true);
  assert.equal(ratAccepts(['example.com'], 'sub.example.com'), false);
  assert.equal(ratAccepts(['.example.com'], 'sub.example.com'), true);
  assert.equal(ratAccepts(['.example.com'], 'badexample.com'), false);
  assert.equal(ratAccepts(['ALL'], 'anything.org'), true);
  assert.equal(ratAccepts([], 'example.com'), false);
  assert.equal(domainOf('Bob@Example.COM'), 'example.com');
});

test('routes: the domain itself, then the longest .parent, then ALL', () => {
  const routes = [
    { domain: 'ALL', hosts: [{ host: 'h-all', port: 25 }] },
    { domain: '.example.com', hosts: [{ host: 'h-parent', port: 25 }] },
    { domain: '.eu.example.com', hosts: [{ host: 'h-eu', port: 25 }] },
    { domain: 'example.com', hosts: [{ host: 'h-exact', port: 25 }] },
  ];
  assert.equal(matchRoute(routes, 'example.com')?.hosts[0].host, 'h-exact');
  assert.equal(matchRoute(routes, 'a.example.com')?.hosts[0].host, 'h-parent');
  assert.equal(matchRoute(routes, 'b.eu.example.com')?.hosts[0].host, 'h-eu');
  assert.equal(matchRoute(routes, 'other.org')?.hosts[0].host, 'h-all');
  assert.equal(matchRoute(routes.slice(1), 'other.org'), undefined, 'no route: MX lookup');
});

test('min-heap pops in key order', () => {
  const h = new MinHeap<string>();
  const keys = [5, 1, 9, 3, 3, 7, 0, 8];
  keys.forEach((k) => h.push(k, `k${k}`));
  const out: string[] = [];
  while (h.size) out.push(h.pop()!);
  assert.deepEqual(
    out,
    [...keys].sort((a, b) => a - b).map((k) => `k${k}`),
  );
});

test('clock: frozen at scale 0, advance fires due timers in order, scale speeds real time', async () => {
  // Clock timers are unref'd: this keeps the test's event loop alive while it awaits them.
  const keepAlive = setInterval(() => undefined, 60_000);
  const clock = new SimClock({ start: 1_000_000, scale: 0 });
  const fired: string[] = [];
  const firing = (at: number, name: string) => new Promise<void>((resolve) => clock.at(at, () => resolve(void fired.push(name))));
  const sixty = firing(1_060_000, '60s');
  const thirty = firing(1_030_000, '30s');
  assert.equal(clock.now(), 1_000_000);
  assert.equal(clock.nextDue(), 1_030_000);
  clock.advance(45_000);
  await thirty;
  // Frozen: the later timer waits for the clock, whatever real time passes.
  assert.deepEqual(fired, ['30s']);
  assert.equal(clock.now(), 1_045_000);
  clock.advance(15_000);
  await sixty;
  assert.deepEqual(fired, ['30s', '60s']);
  // At scale 3600 an hour of simulated time is a second of real time (a real clock the test moves).
  let wall = 5_000;
  const fast = new SimClock({ start: 0, scale: 3600, realNow: () => wall });
  wall += 1_000;
  assert.equal(fast.now(), 3_600_000);
  // And its timers run on real time: 36 s simulated is 10 ms real.
  const real = new SimClock({ start: 0, scale: 3600 });
  await new Promise<void>((resolve) => real.at(36_000, resolve));
  clearInterval(keepAlive);
  assert.ok(real.now() >= 36_000);
});

test('outcomes: partial acceptance per recipient, refused connection is soft, codes per stage', () => {
  const partial = fromSendResult(['a@x.com', 'b@x.com'], {
    accepted: ['a@x.com'],
    rejected: ['b@x.com'],
    rejectedErrors: [Object.assign(new Error('r'), { recipient: 'b@x.com', response: '550 5.1.1 no such user', responseCode: 550 })],
    response: '250 2.0.0 Ok',
  });
  assert.equal(partial.recipients.get('a@x.com')?.kind, 'delivered');
  assert.deepEqual(partial.recipients.get('b@x.com'), { kind: 'hard', reply: '550 5.1.1 no such user', status: '5.1.1' });
  const refused = fromSendError(['a@x.com'], Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', errno: -111, syscall: 'connect' }));
  assert.deepEqual(refused.recipients.get('a@x.com'), { kind: 'soft', reply: 'ECONNREFUSED', status: '4.4.1' });
  assert.equal(refused.connectionLost, true);
  const dataRefused = fromSendError(['a@x.com'], Object.assign(new Error('x'), { code: 'EMESSAGE', response: '554 5.6.0 bad content', responseCode: 554 }));
  assert.equal(dataRefused.recipients.get('a@x.com')?.kind, 'hard');
  assert.equal(dataRefused.connectionLost, false);
  const tempAll = fromSendError(
    ['a@x.com'],
    Object.assign(new Error('x'), {
      code: 'EENVELOPE',
      responseCode: 451,
      response: '451 4.3.0 later',
      rejectedErrors: [Object.assign(new Error('r'), { recipient: 'a@x.com', response: '451 4.3.0 later', responseCode: 451 })],
    }),
  );
  assert.deepEqual(tempAll.recipients.get('a@x.com'), { kind: 'soft', reply: '451 4.3.0 later', status: '4.3.0' });
  assert.equal(statusOf('550 no such user', 550, 5), '5.0.0');
});

test('log formats: reply tuples and dates', () => {
  assert.equal(replyTuple('451 4.3.0 try later'), "('451', ['try later'])");
  assert.equal(replyTuple(''), "('000', [])");
  assert.equal(replyTuple('ECONNREFUSED'), "('000', ['ECONNREFUSED'])");
  const t = Date.UTC(2026, 10, 28, 14, 11, 22);
  assert.equal(formatApplianceDate(t), 'Sat Nov 28 14:11:22 2026');
  assert.equal(formatRfc5322Date(t), 'Sat, 28 Nov 2026 14:11:22 +0000');
});

test('header values are unfolded; absent ones are undefined', () => {
  const raw = Buffer.from('Subject: a long\r\n subject line\r\nMessage-ID: <1@x>\r\n\r\nSubject: not a header\r\n');
  assert.equal(headerValue(raw, 'Subject'), 'a long subject line');
  assert.equal(headerValue(raw, 'message-id'), '<1@x>');
  assert.equal(headerValue(raw, 'From'), undefined);
});
