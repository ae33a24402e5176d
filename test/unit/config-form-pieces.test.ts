// The model's pieces that forms read settings with (the web GUI's configuration pages, and any
// front end): optional fields, a bounce setting as a field, the cross-field rule with the setting
// it is about, changes recorded as one, and an SMTP route's destinations as rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BOUNCE_SETTINGS, crossFieldRefusal, settingField } from '../../src/model/bounce-profile.js';
import { combineChanges, refusalOf, refuse, type ConfigChange } from '../../src/model/change.js';
import { defaultConfig } from '../../src/model/config.js';
import { integerField, optionalField } from '../../src/model/field.js';
import { destinationRows, formatDestinations, parseDestinationRows, parseDestinations, type RouteDestinations } from '../../src/model/route-hosts.js';
import { storedFieldRefusal, storedRefusal } from '../../src/model/tables/bounce-profiles.js';

test('an optional field: empty is unset, anything else is read by the field', () => {
  const f = optionalField(integerField({ min: 1, max: 10 }));
  assert.deepEqual(f.parse(''), { value: undefined });
  assert.deepEqual(f.parse('  '), { value: undefined });
  assert.deepEqual(f.parse('7'), { value: 7 });
  assert.deepEqual(f.parse('11'), { error: 'Value must be an integer from 1 to 10.' });
  assert.equal(f.format(undefined), '');
  assert.equal(f.format(3), '3');
});

test('a bounce setting as a field: the ranges and words of parseSetting', () => {
  assert.deepEqual(settingField('max_queue_lifetime').parse('600'), { value: 600 });
  assert.deepEqual(settingField('max_retries').parse('10001'), { error: 'Value must be an integer from 0 to 10,000.' });
  assert.deepEqual(settingField('send_bounces').parse('No'), { value: false });
  assert.deepEqual(settingField('bounce_address').parse('nobody'), { error: 'Please enter a valid email address.' });
  assert.equal(settingField('max_retry_timeout').format(3600), '3600');
  assert.equal(settingField('send_warnings').format(true), 'Y');
});

test('a cross-field refusal names the setting to change; storedRefusal keeps its wording', () => {
  assert.deepEqual(crossFieldRefusal({ ...DEFAULT_BOUNCE_SETTINGS, initial_retry: 600, max_retry_timeout: 300 }), {
    key: 'max_retry_timeout',
    error: 'The maximum retry wait must be at least the initial retry wait.',
  });
  assert.equal(crossFieldRefusal({ ...DEFAULT_BOUNCE_SETTINGS, host_initial_retry: 900, host_max_retry_timeout: 600 })?.key, 'host_max_retry_timeout');
  assert.equal(crossFieldRefusal(DEFAULT_BOUNCE_SETTINGS), undefined);
  const config = defaultConfig();
  // An inherited maximum (Default's 3,600) below the profile's own initial wait.
  assert.deepEqual(storedFieldRefusal(config, 'Slow', { initial_retry: 7200 }), {
    key: 'max_retry_timeout',
    error: 'The maximum retry wait must be at least the initial retry wait.',
  });
  assert.equal(storedRefusal(config, 'Slow', { initial_retry: 7200 }), 'The maximum retry wait must be at least the initial retry wait.');
  assert.equal(storedFieldRefusal(config, 'Slow', { initial_retry: 7200, max_retry_timeout: 7200 }), undefined);
});

test('changes combined apply in order, and a refusal of one leaves none applied', () => {
  const hostname = (name: string): ConfigChange => ({
    description: `hostname ${name}.`,
    apply(c) {
      c.hostname = name;
    },
  });
  const refused: ConfigChange = { description: 'refused.', apply: () => refuse('not now') };
  assert.equal(combineChanges(), undefined);
  assert.equal(combineChanges(undefined, undefined), undefined);
  const one = hostname('a.example');
  assert.equal(combineChanges(undefined, one), one);
  const both = combineChanges(hostname('a.example'), undefined, hostname('b.example'))!;
  assert.equal(both.description, 'hostname a.example. hostname b.example.');
  const config = defaultConfig();
  both.apply(config);
  assert.equal(config.hostname, 'b.example');
  const before = defaultConfig();
  assert.equal(refusalOf(combineChanges(hostname('c.example'), refused)!, before), 'not now');
  assert.equal(before.hostname, defaultConfig().hostname, 'tried on a copy');
});

test("a route's destinations as rows: host, port, priority; USEDNS and /dev/null alone", () => {
  const row = (host: string, port = '', priority = '') => ({ host, port, priority });
  assert.deepEqual(parseDestinationRows([row('mx1.example.org'), row('mx2.example.org', '2525', '10'), row('')]), {
    value: {
      hosts: [
        { host: 'mx1.example.org', port: 25 },
        { host: 'mx2.example.org', port: 2525, priority: 10 },
      ],
    },
  });
  assert.deepEqual(parseDestinationRows([row('[10.0.0.1]', '25')]), { value: { hosts: [{ host: '10.0.0.1', port: 25, addressOnly: true }] } });
  assert.deepEqual(parseDestinationRows([row(' usedns ')]), { value: { hosts: [], special: 'USEDNS' } });
  assert.deepEqual(parseDestinationRows([row('/dev/null'), row('')]), { value: { hosts: [], special: '/dev/null' } });
  // The typed list's refusals, word for word.
  assert.deepEqual(parseDestinationRows([row('/dev/null'), row('mx.example.org')]), parseDestinations('/dev/null, mx.example.org'));
  assert.deepEqual(parseDestinationRows([row('a.example.org'), row('a.example.org', '2525')]), parseDestinations('a.example.org, a.example.org:2525'));
  assert.deepEqual(parseDestinationRows([row('')]), { error: 'You must enter at least one destination host.' });
  assert.deepEqual(parseDestinationRows([row('mx.example.org', '70000')]), {
    error: 'The port of "mx.example.org:70000": Value must be an integer from 1 to 65,535.',
  });
  assert.deepEqual(parseDestinationRows([row('mx.example.org', '', 'x')]), {
    error: 'The priority of "mx.example.org/pri=x": Value must be an integer from 0 to 65,535.',
  });
  assert.deepEqual(parseDestinationRows([row('bad host')]), { error: 'Invalid hostname format "bad host".' });
  assert.deepEqual(parseDestinationRows([row('', '2525')]), { error: 'Enter the destination host of each row that has a port or a priority.' });
  assert.deepEqual(parseDestinationRows([row('USEDNS', '25')]), { error: 'USEDNS takes no port or priority.' });
  // Written back as rows and read again: the same destinations.
  for (const text of ['mx1.example.org, mx2.example.org:2525/pri=10, [10.0.0.1]/pri=0', 'USEDNS', '/dev/null']) {
    const d = (parseDestinations(text) as { value: RouteDestinations }).value;
    const again = parseDestinationRows(destinationRows(d));
    assert.ok('value' in again);
    assert.equal(formatDestinations(again.value), formatDestinations(d), text);
  }
  assert.deepEqual(destinationRows({ hosts: [{ host: 'mx.example.org', port: 25 }] }), [row('mx.example.org', '25')]);
});
