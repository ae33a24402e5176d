import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProfile, DEFAULT_BOUNCE_SETTINGS, isExpired, parseSetting, resolveProfile, retryWaitSeconds } from '../../src/model/bounce-profile.js';
import { defaultConfig } from '../../src/model/config.js';
import { nameRefusal } from '../../src/model/tables/bounce-profiles.js';

test('retry waits: initial after the first failure, doubling, capped at the maximum', () => {
  const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryWaitSeconds(n, 60, 3600));
  assert.deepEqual(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
  assert.equal(retryWaitSeconds(0, 60, 3600), 0);
  assert.equal(retryWaitSeconds(1_000, 60, 3600), 3600, 'no overflow for huge failure counts');
});

test('expiry: lifetime exceeded, or retries used up (1 + max_retries attempts)', () => {
  const s = { max_retries: 2, max_queue_lifetime: 300 };
  assert.equal(isExpired(s, 0, 0, 300_000), undefined, 'exactly at the lifetime is not past it');
  assert.equal(isExpired(s, 0, 0, 300_001), 'lifetime');
  assert.equal(isExpired(s, 0, 2, 1_000), undefined, 'first attempt + 1 retry made');
  assert.equal(isExpired(s, 0, 3, 1_000), 'retries', 'first attempt + 2 retries made');
  assert.equal(isExpired({ max_retries: 0, max_queue_lifetime: 300 }, 0, 1, 1_000), 'retries');
});

test('settings parse with the ranges of cli-commands.md', () => {
  assert.deepEqual(parseSetting('max_retries', '10,000'), { value: 10_000 });
  assert.deepEqual(parseSetting('max_retries', '10001'), { error: 'Value must be an integer from 0 to 10,000.' });
  assert.deepEqual(parseSetting('initial_retry', '59'), { error: 'Value must be an integer from 60 to 86,400.' });
  assert.deepEqual(parseSetting('max_queue_lifetime', 'abc'), { error: 'Value must be an integer from 0 to 3,000,000.' });
  assert.deepEqual(parseSetting('send_bounces', 'n'), { value: false });
  assert.deepEqual(parseSetting('send_bounces', 'maybe'), { error: 'Please answer Yes or No.' });
  assert.deepEqual(parseSetting('bounce_address', 'postmaster@example.com'), { value: 'postmaster@example.com' });
  assert.ok('error' in parseSetting('bounce_address', 'not an address'));
  assert.equal(
    checkProfile({ ...DEFAULT_BOUNCE_SETTINGS, initial_retry: 600, max_retry_timeout: 300 }),
    'The maximum retry wait must be at least the initial retry wait.',
  );
});

test('profile names and inheritance from Default', () => {
  const config = defaultConfig();
  assert.equal(nameRefusal(config, 'Fast_1'), undefined);
  assert.ok(nameRefusal(config, '1fast'));
  assert.ok(nameRefusal(config, ''));
  assert.ok(nameRefusal(config, 'fast.1'));
  assert.equal(nameRefusal(config, 'default'), 'Profile name already in use');
  const profiles = { Default: { ...DEFAULT_BOUNCE_SETTINGS, max_retries: 7 }, Fast: { initial_retry: 120, host_initial_retry: 999 } };
  const fast = resolveProfile(profiles, 'Fast');
  assert.equal(fast.initial_retry, 120, 'own value');
  assert.equal(fast.max_retries, 7, 'inherited from Default');
  assert.equal(fast.host_initial_retry, 60, 'host-level settings belong to Default alone');
  assert.equal(resolveProfile(profiles, 'Missing').max_retries, 7, 'an unknown profile acts as Default');
});
