// A named bounce profile on a listener governs the mail received there (retry schedule, expiry,
// DSN settings); the keys it leaves out come from the Default profile.
import assert from 'node:assert/strict';
import { configCopy, readMailLog } from '../helpers/harness.js';
import { afterEach, test } from 'node:test';
import { formatApplianceDate } from '../../src/model/format-date.js';
import { engineParts } from '../../src/engine/test-seam.js';
import { advanceTo, dsnsAt, generator, seconds, send, startRig, T0, type BounceRig } from './bounce-fixtures.js';
import { operator } from '../config/config-fixtures.js';

let rig: BounceRig;

afterEach(async () => {
  await rig.close();
});

const mailLog = () => readMailLog(rig.engine);

/** A rig whose backend answers 451 to example.com recipients, with these profile changes. */
async function rigWith(profiles: Record<string, Record<string, unknown>>, listenerProfile?: string): Promise<BounceRig> {
  const r = await startRig();
  r.backend.policy = (rcpt) => (rcpt.endsWith('@example.com') ? { code: 451, text: '4.3.0 try later' } : undefined);
  const next = configCopy(r.engine);
  for (const [name, settings] of Object.entries(profiles)) {
    next.bounceProfiles[name] = { ...(next.bounceProfiles[name] ?? {}), ...settings };
  }
  if (listenerProfile) next.listeners[0].bounceProfile = listenerProfile;
  await r.engine.api.applyConfig(next);
  return r;
}

test('a named profile on the listener sets the retry schedule of mail received there', async () => {
  rig = await rigWith({ Slow: { initial_retry: 300, max_retry_timeout: 600 } });
  const { engine } = rig;
  const viaDefault = await send(engine, { to: ['bob@example.com'] });
  const next = configCopy(engine);
  next.listeners[0].bounceProfile = 'Slow';
  await engine.api.applyConfig(next);
  const viaSlow = await send(engine, { to: ['carol@example.com'] });
  assert.equal(viaDefault.envelope.profile, 'Default');
  assert.equal(viaSlow.envelope.profile, 'Slow');
  const d = viaDefault.rcpts[0];
  const s = viaSlow.rcpts[0];

  await advanceTo(engine, T0, () => d.attempts === 1 && s.attempts === 1, 'the first attempts');
  assert.equal(d.nextAt, T0 + seconds(60));
  assert.equal(s.nextAt, T0 + seconds(300));
  const log = await mailLog();
  const pendingTill = (mid: number, at: number, profile: string) =>
    new RegExp(`MID ${mid} to RID \\[0\\] pending till ${formatApplianceDate(at)} \\[${profile}\\]`);
  assert.match(log, pendingTill(viaDefault.envelope.mid, T0 + seconds(60), 'Default'));
  assert.match(log, pendingTill(viaSlow.envelope.mid, T0 + seconds(300), 'Slow'));

  await advanceTo(engine, T0 + seconds(60), () => d.attempts === 2, 'the Default retry');
  await engine.idle();
  assert.equal(s.attempts, 1, 'the Slow one waits');
  await advanceTo(engine, T0 + seconds(300), () => s.attempts === 2, 'the Slow retry');
  // Doubling, capped at Slow's maximum: 300 then 600, not 600 then 1200.
  assert.equal(s.nextAt, T0 + seconds(900));
  await advanceTo(engine, T0 + seconds(900), () => s.attempts === 3, 'the next Slow retry');
  assert.equal(s.nextAt, T0 + seconds(1500));
});

test('a named profile inherits from Default the keys it leaves out', async () => {
  rig = await rigWith(
    {
      Default: { max_retries: 1, bounce_subject: 'Returned mail', initial_retry: 60, max_retry_timeout: 60 },
      Fast: { initial_retry: 120, max_retry_timeout: 120 },
    },
    'Fast',
  );
  const { engine, backend } = rig;
  assert.deepEqual(engine.api.config().bounceProfiles.Fast, { initial_retry: 120, max_retry_timeout: 120 }, 'Fast stores only its own keys');
  const msg = await send(engine, { to: ['bob@example.com'] });
  const bob = msg.rcpts[0];
  await advanceTo(engine, T0, () => bob.attempts === 1, 'the first attempt');
  assert.equal(bob.nextAt, T0 + seconds(120), "Fast's own wait");
  await advanceTo(engine, T0 + seconds(120), () => bob.attempts === 2, 'the one retry');
  await generator(engine).idle();
  await engine.idle();
  assert.equal(backend.dsns().length, 0);
  // Default's max_retries of 1 applies: the next due time expires it.
  engineParts(engine).clock.advance(seconds(120));
  const [dsn] = await dsnsAt(backend, 1);
  assert.equal(bob.attempts, 2);
  assert.equal(dsn.recipients[0].status, '5.4.7');
  assert.equal(dsn.parsed.subject, 'Returned mail', "Default's subject");

  // A key the named profile sets wins over Default's.
  const next = configCopy(engine);
  next.bounceProfiles.Fast.bounce_subject = 'Fast gave up';
  next.bounceProfiles.Fast.max_retries = 0;
  await engine.api.applyConfig(next);
  const second = await send(engine, { to: ['carol@example.com'] });
  await advanceTo(engine, engine.api.now(), () => second.rcpts[0].attempts === 1, 'the first attempt');
  engineParts(engine).clock.advance(seconds(120));
  const both = await dsnsAt(backend, 2);
  assert.equal(both[1].parsed.subject, 'Fast gave up');
  assert.equal(second.rcpts[0].attempts, 1, 'max_retries 0: one attempt, no retry');
});

test('mail queued under a profile that is renamed keeps it: the retry schedule goes on, the log names the new name', async () => {
  rig = await rigWith({ Slow: { initial_retry: 300, max_retry_timeout: 600 } }, 'Slow');
  const { engine } = rig;
  const msg = await send(engine, { to: ['bob@example.com'] });
  assert.equal(msg.envelope.profile, 'Slow');
  const r = msg.rcpts[0];
  await advanceTo(engine, T0, () => r.attempts === 1, 'the first attempt');
  assert.equal(r.nextAt, T0 + seconds(300));

  // EDIT profile 2 (Slow): new name Tight, every value kept, then commit.
  const op = operator(engine);
  const edited = await op.run('bounceconfig', 'edit', '2', 'Tight', ...Array<string>(20).fill(''));
  assert.ok(edited.ok, edited.error);
  assert.ok((await op.run('commit renamed')).ok);
  assert.deepEqual(engine.api.config().bounceProfileRenames, { Slow: 'Tight' });
  assert.equal(engine.api.config().listeners[0].bounceProfile, 'Tight');

  await advanceTo(engine, T0 + seconds(300), () => r.attempts === 2, 'the second attempt');
  // Tight's schedule (300, then doubled and capped at 600), not Default's (60, then 120).
  assert.equal(r.nextAt, T0 + seconds(900));
  assert.match(await mailLog(), new RegExp(`MID ${msg.envelope.mid} to RID \\[0\\] pending till ${formatApplianceDate(T0 + seconds(900))} \\[Tight\\]`));
});

test('renames are kept as old names of the profile; deleting a profile drops its own name and the names that led to it', async () => {
  rig = await startRig();
  const op = operator(rig.engine);
  const ok = async (line: string, ...answers: string[]) => {
    const r = await op.run(line, ...answers);
    assert.ok(r.ok, `${line}: ${r.error}`);
  };
  await ok('bounceconfig new A max_retries=3');
  await ok('bounceconfig', 'edit', '2', 'B', ...Array<string>(20).fill(''));
  await ok('bounceconfig', 'edit', '2', 'C', ...Array<string>(20).fill(''));
  await ok('commit renames');
  // A's mail and B's both follow to C.
  assert.deepEqual(rig.engine.api.config().bounceProfileRenames, { A: 'C', B: 'C' });
  await ok('bounceconfig', 'edit', '2', 'A', ...Array<string>(20).fill(''));
  await ok('commit back to A');
  assert.deepEqual(rig.engine.api.config().bounceProfileRenames, { B: 'A', C: 'A' });
  // A new profile given the old name B takes it over; deleting it drops B as an old name of A.
  await ok('bounceconfig new B max_retries=5');
  await ok('commit a new B');
  await ok('bounceconfig', 'delete', '3', 'y', '');
  await ok('commit deleted');
  assert.deepEqual(Object.keys(rig.engine.api.config().bounceProfiles), ['Default', 'A']);
  assert.deepEqual(rig.engine.api.config().bounceProfileRenames, { C: 'A' });
  // Deleting A drops the names that led to it.
  await ok('bounceconfig', 'delete', '2', 'y', '');
  await ok('commit deleted');
  assert.deepEqual(rig.engine.api.config().bounceProfileRenames, {});
});
