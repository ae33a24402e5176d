// `forecast` against what really happens: a sandbox whose backend stays down, its clock run
// through the outage an hour at a time; the first and last bounces the forecast named are
// where the mail log puts them, to the minute (a down host is swept when its mail expires).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_BOUNCE_SETTINGS } from '../../src/model/bounce-profile.js';
import { forecast } from '../../src/model/forecast.js';
import { logTime } from '../../src/sandbox/scenarios/outcomes.js';
import { finished, removeDir, spawnEsa, tempDir } from '../helpers/harness.js';

const HOUR = 3_600_000;

test('forecast (pure): lifetime per profile, retries used up bounce now, warnings, storage at the arrival rate', () => {
  const now = 1_000 * HOUR;
  const short = { ...DEFAULT_BOUNCE_SETTINGS, max_queue_lifetime: 3_600, send_warnings: true, send_warnings_interval: 600 };
  const f = forecast({
    now,
    queuedMessages: 3,
    queueMaxMessages: 13,
    kilobytesUsed: 3,
    kilobytesFree: 1_000_000,
    arrivalsPerHour: 5,
    recipients: [
      { arrival: now - 10 * HOUR, attempts: 3, warningsSent: 0, dsn: false, profile: 'Default' },
      { arrival: now - HOUR, attempts: 101, warningsSent: 0, dsn: false, profile: 'Default' },
      { arrival: now, attempts: 0, warningsSent: 0, dsn: false, profile: 'Short' },
    ],
    profiles: { Default: DEFAULT_BOUNCE_SETTINGS, Short: short },
  });
  assert.equal(f.total, 3);
  const def = f.profiles.find((p) => p.profile === 'Default')!;
  assert.equal(def.firstBounce, now, '101 attempts: max_retries 100 used up, bounces at the next look');
  assert.equal(def.lastBounce, now - 10 * HOUR + 72 * HOUR + 1);
  const s = f.profiles.find((p) => p.profile === 'Short')!;
  assert.equal(s.firstBounce, now + HOUR + 1);
  assert.equal(s.firstWarning, now + 600_000);
  assert.deepEqual(f.storageFull, { at: now + 2 * HOUR, rate: 5, limit: '13 messages' });
});

test('forecast against a real outage: the bounces come when it said, to the minute', async () => {
  const dataDir = await tempDir('esa-forecast-');
  try {
    const lines = ['bounceconfig edit Default max_queue_lifetime=36000', 'commit "10 hours"', 'sim backend down', 'sim inject 10', 'sim clock +2h', 'sim inject 10', 'sim clock +30m', 'forecast'];
    for (let i = 0; i < 12; i++) lines.push('sim clock +1h');
    const child = spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0', '--time-scale', '0']);
    const done = finished(child);
    child.stdin!.end(`${lines.join('\n')}\n`);
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.slice(r.stdout.indexOf('> forecast\n'));
    const first = /^ {2}(\w{3} \w{3} \d\d [\d:]+ \d{4}) \(in [^)]*\) +first bounce \(profile Default, queue lifetime 10h\)$/m.exec(out);
    const last = /^ {2}(\w{3} \w{3} \d\d [\d:]+ \d{4}) \(in [^)]*\) +last bounce of profile Default: 20 recipient\(s\) in all$/m.exec(out);
    assert.ok(first && last, out);
    const said = { first: Date.parse(`${first[1]} UTC`), last: Date.parse(`${last[1]} UTC`) };
    const log = await readFile(path.join(dataDir, 'logs', 'mail_logs'), 'utf8');
    const bounces = log.split('\n').filter((l) => /Bounced: .* 5\.4\.7 /.test(l)).map((l) => logTime(l)!);
    assert.equal(bounces.length, 20, 'all 20 bounced in the 12 hours');
    const [actualFirst, actualLast] = [Math.min(...bounces), Math.max(...bounces)];
    for (const [what, forecastAt, actual] of [['first', said.first, actualFirst], ['last', said.last, actualLast]] as const) {
      assert.ok(actual >= forecastAt - 1000 && actual <= forecastAt + 60_000, `${what} bounce at ${new Date(actual).toISOString()}, forecast ${new Date(forecastAt).toISOString()}`);
    }
  } finally {
    await removeDir(dataDir);
  }
});
