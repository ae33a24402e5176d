// Domain patterns (src/model/domain-pattern.ts): parsing, matching, specificity, and their users:
// the recipient access table, SMTP routes and destination settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig, destinationSettings, type SmtpRoute } from '../../src/model/config.js';
import { matchRoute } from '../../src/engine/delivery/routes.js';
import { DomainPattern, listMatches, mostSpecific } from '../../src/model/domain-pattern.js';
import { ratAccepts } from '../../src/model/rat.js';

function pattern(text: string): DomainPattern {
  const p = DomainPattern.parse(text);
  assert.ok('value' in p, `${text}: ${'error' in p ? p.error : ''}`);
  return p.value;
}

test('parse: the four kinds, written back in one form', () => {
  assert.equal(pattern('Example.COM').kind, 'exact');
  assert.equal(pattern('Example.COM').toString(), 'example.com');
  assert.equal(pattern('example.com.').toString(), 'example.com', 'a trailing dot is the same domain');
  assert.equal(pattern('.Example.com').kind, 'subdomains');
  assert.equal(pattern('.Example.com').toString(), '.example.com');
  assert.equal(pattern('all').kind, 'all');
  assert.equal(pattern(' All ').toString(), 'ALL');
  assert.equal(pattern('[10.0.0.1]').kind, 'literal');
  assert.equal(pattern('localhost').kind, 'exact');
  for (const bad of [
    '',
    '.',
    '..example.com',
    'not a domain',
    'ex_ample.com',
    '-example.com',
    'example-.com',
    'a..b',
    '[10.0.0.256]',
    '[10.0.0]',
    '*.example.com',
    'user@example.com',
  ]) {
    assert.deepEqual(DomainPattern.parse(bad), { error: `Invalid domain "${bad.trim()}": use example.com, .example.com, [1.2.3.4] or ALL.` }, bad);
  }
});

test('matches: a domain itself, subdomains only for .parent, anything for ALL, a literal exactly', () => {
  const exact = pattern('example.com');
  assert.equal(exact.matches('EXAMPLE.com'), true);
  assert.equal(exact.matches('example.com.'), true);
  assert.equal(exact.matches('sub.example.com'), false);
  const sub = pattern('.example.com');
  assert.equal(sub.matches('sub.example.com'), true);
  assert.equal(sub.matches('a.b.example.com'), true);
  assert.equal(sub.matches('example.com'), false, '.example.com does not match example.com itself');
  assert.equal(sub.matches('badexample.com'), false);
  assert.equal(pattern('ALL').matches('anything.org'), true);
  assert.equal(pattern('[10.0.0.1]').matches('[10.0.0.1]'), true);
  assert.equal(pattern('[10.0.0.1]').matches('10.0.0.1'), false);
});

test('specificity: the domain itself > the nearer parent > the farther parent > ALL', () => {
  const order = ['example.com', '.a.example.com', '.example.com', 'ALL'].map((t) => pattern(t).specificity);
  assert.deepEqual(
    [...order].sort((a, b) => b - a),
    order,
  );
  assert.ok(order[2] > order[3]);
  assert.equal(pattern('[1.2.3.4]').specificity, pattern('example.com').specificity);
});

test('stored lists: an entry parse refuses still matches its identical text; a list changed in place is seen', () => {
  assert.equal(DomainPattern.fromStored('ex_ample.com').matches('EX_AMPLE.com'), true);
  const rat = ['example.com'];
  assert.equal(listMatches(rat, 'example.net'), false);
  rat.push('example.net');
  assert.equal(listMatches(rat, 'example.net'), true, 'not a stale cached parse');
  rat[0] = '.example.org';
  assert.equal(listMatches(rat, 'example.com'), false);
  assert.equal(listMatches(rat, 'x.example.org'), true);
});

test('the recipient access table', () => {
  assert.equal(ratAccepts(['example.com'], 'EXAMPLE.com'), true);
  assert.equal(ratAccepts(['example.com'], 'sub.example.com'), false);
  assert.equal(ratAccepts(['.example.com'], 'sub.example.com'), true);
  assert.equal(ratAccepts(['.example.com'], 'example.com'), false);
  assert.equal(ratAccepts(['ALL'], 'anything.org'), true);
  assert.equal(ratAccepts([' Example.com '], 'example.com'), true);
  assert.equal(ratAccepts([], 'example.com'), false);
});

test('SMTP routes: the most specific route wins, whatever the order; the first of equals', () => {
  const to = (host: string) => [{ host, port: 25 }];
  const routes: SmtpRoute[] = [
    { domain: 'ALL', hosts: to('all') },
    { domain: '.example.com', hosts: to('parent') },
    { domain: '.a.example.com', hosts: to('nearer') },
    { domain: 'a.example.com', hosts: to('itself') },
    { domain: 'a.example.com', hosts: to('second') },
  ];
  const host = (d: string) => matchRoute(routes, d)?.hosts[0].host;
  assert.equal(host('A.example.com'), 'itself');
  assert.equal(host('b.a.example.com'), 'nearer');
  assert.equal(host('b.example.com'), 'parent');
  assert.equal(host('example.com'), 'all', '.example.com is for subdomains only');
  assert.equal(host('example.org'), 'all');
  assert.equal(matchRoute(routes.slice(1), 'example.org'), undefined, 'no ALL route: MX records decide');
  assert.equal(
    mostSpecific(['x'], () => undefined, 'x'),
    undefined,
    'items without a pattern never match',
  );
});

test('destination settings: the most specific one, else DEFAULT', () => {
  const config = defaultConfig();
  config.destinations = [
    { domain: 'DEFAULT', concurrency: 10 },
    { domain: '.example.com', concurrency: 3 },
    { domain: 'big.example.com', concurrency: 50 },
  ];
  assert.equal(destinationSettings(config, 'big.example.com').concurrency, 50);
  assert.equal(destinationSettings(config, 'small.example.com').concurrency, 3);
  assert.equal(destinationSettings(config, 'example.com').concurrency, 10);
  assert.equal(destinationSettings(config, 'default').concurrency, 10, 'DEFAULT is not a domain');
});
