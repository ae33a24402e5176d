// Every exercise of docs/sandbox.md, run exactly as written there: the start line's flags (with
// a temp data dir and free ports instead of the ones a trainee would use) and each line typed
// at the prompt, through a pipe; then what the exercise says you will see is checked.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { finished, removeDir, ROOT, spawnEsa, tempDir } from '../helpers/harness.js';

interface Exercise {
  title: string;
  flags: string[];
  lines: string[];
}

const PROMPT = 'mail.example.com> ';

/** A mail log line's time (its first 24 characters: `Mon Dec 07 21:38:35 2026`), epoch ms. */
const stampOf = (line: string) => Date.parse(`${line.slice(4, 24)} UTC`);

/** The exercises: under "## Exercises", each "### title" and its indented block. */
export function exercisesOf(markdown: string): Exercise[] {
  const section = markdown.slice(markdown.indexOf('\n## Exercises'));
  const out: Exercise[] = [];
  for (const part of section.split('\n### ').slice(1)) {
    const [title, ...rest] = part.split('\n');
    const block = rest.filter((l) => l.startsWith('    ')).map((l) => l.slice(4));
    const start = block.find((l) => l.startsWith('esa sandbox'));
    assert.ok(start, `exercise "${title}" starts with an "esa sandbox" line`);
    const words = start.split(/\s+/).slice(2);
    // The data dir is the test's own.
    const at = words.indexOf('--data-dir');
    if (at >= 0) words.splice(at, 2);
    out.push({ title: title.trim(), flags: words, lines: block.filter((l) => l.startsWith(PROMPT)).map((l) => l.slice(PROMPT.length)) });
  }
  return out;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  log: string;
  /** The output of each typed line, by its index. */
  outputOf(line: string): string;
}

async function runExercise(e: Exercise): Promise<Run> {
  const dataDir = await tempDir('esa-exercise-');
  try {
    const child = spawnEsa(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0', ...e.flags]);
    const done = finished(child);
    child.stdin!.end(`${e.lines.join('\n')}\n`);
    const r = await done;
    const log = await readFile(path.join(dataDir, 'logs', 'mail_logs'), 'utf8');
    // The batch transcript echoes each typed line after the prompt: section i+1 is line i's.
    const sections = `\n${r.stdout}`.split(`\n${PROMPT}`);
    const outputOf = (line: string) => {
      const i = e.lines.indexOf(line);
      assert.ok(i >= 0, `the exercise types "${line}"`);
      const section = sections[i + 1] ?? '';
      assert.ok(section.startsWith(`${line}\n`), `the output of "${line}" in:\n${r.stdout}`);
      return section.slice(line.length + 1);
    };
    return { ...r, log, outputOf };
  } finally {
    await removeDir(dataDir);
  }
}

const doc = await readFile(path.join(ROOT, 'docs/sandbox.md'), 'utf8');
const exercises = exercisesOf(doc);

/** What each exercise says a trainee will see. */
const CHECKS: Record<string, (r: Run) => void> = {
  'The backend fails': (r) => {
    assert.match(r.outputOf('tophosts active'), / 1\* {2}example\.com +100 +0 +0 /);
    assert.match(r.outputOf('hoststatus example.com'), /Host up\/down: +down\nNext host retry: +.* \(in \d+s\)/);
    const marks = r
      .outputOf('grep "marked down" mail_logs')
      .split('\n')
      .filter((l) => /marked down: next host retry/.test(l));
    assert.equal(marks.length, 4, marks.join('\n'));
    const retries = marks.map((l) => Date.parse(`${/next host retry \w+ (\w+ \d+ [\d:]+ \d+)/.exec(l)![1]} UTC`));
    const gaps = retries.slice(1).map((t, i) => Math.round((t - retries[i]) / 60_000));
    assert.deepEqual(gaps, [2, 4, 8], 'host retries 1, 2, 4 and 8 minutes apart');
    // After the first round, one probe connection per host retry.
    const errors = r.log.split('\n').filter((l) => l.includes('Connection Error'));
    const firstRound = errors.filter((l) => l.slice(0, 24) === errors[0].slice(0, 24)).length;
    assert.equal(errors.length - firstRound, 3, 'one connection at each of the three host retries');
    assert.match(r.outputOf('sim wait empty 60'), /The queue is empty\./);
    assert.match(r.outputOf('tophosts delivered'), / 1 {3}example\.com +0 +\d+ +100 /);
  },
  'Two hours pass': (r) => {
    const marks = r
      .outputOf('grep "marked down" mail_logs')
      .split('\n')
      .filter((l) => /marked down: next host retry/.test(l));
    assert.equal(marks.length, 7, marks.join('\n'));
    const stamps = marks.map(stampOf);
    const named = marks.map((l) => Date.parse(`${/next host retry \w+ (\w+ \d+ [\d:]+ \d+)/.exec(l)![1]} UTC`));
    const gaps = stamps.slice(1).map((t, i) => (t - stamps[i]) / 60_000);
    assert.deepEqual(gaps, [1, 2, 4, 8, 16, 32], 'each probe in the log at its own time');
    assert.deepEqual(stamps.slice(1), named.slice(0, -1), 'each probe at the time the line before named');
    assert.equal((named[6] - stamps[6]) / 60_000, 60, 'then an hour, the maximum');
    // One probe connection at each host retry, stamped with it.
    const errors = r.log.split('\n').filter((l) => l.includes('Connection Error'));
    const probes = errors.filter((l) => stampOf(l) > stamps[0]).map(stampOf);
    assert.deepEqual(probes, stamps.slice(1));
    assert.match(r.outputOf('hoststatus example.com'), /Host up\/down: +down\nNext host retry: +.* \(in (\d+m )?\d+s\)/);
  },
  'Mail expires': (r) => {
    const bounced = r
      .outputOf('grep "5.4.7" mail_logs')
      .split('\n')
      .filter((l) => /Bounced: .* 5\.4\.7 /.test(l));
    assert.equal(bounced.length, 5, r.outputOf('grep "5.4.7" mail_logs'));
    // Stamped when each expired (an hour after it was queued, to a few seconds: the log line
    // of the queueing may come a little after the arrival on a loaded machine), not at the
    // jump's end, half an hour after.
    for (const b of bounced) {
      const mid = /MID (\d+)/.exec(b)![1];
      const queued = r.log.split('\n').find((l) => l.includes(`Info: MID ${mid} queued for delivery`))!;
      const late = (stampOf(b) - stampOf(queued)) / 1000;
      assert.ok(late >= 3590 && late <= 3610, `MID ${mid} bounced ${late} s after it was queued`);
      // Its DSN is made then too, not at the jump's end.
      const dsn = r.log.split('\n').find((l) => l.endsWith(` was generated for bounce of MID ${mid}`));
      assert.ok(dsn, `the DSN of MID ${mid}`);
      assert.equal(stampOf(dsn), stampOf(b), dsn);
    }
    const queued = r.outputOf('showrecipients host sandbox.example.org');
    assert.equal(queued.split('\n').filter((l) => /trainer@sandbox\.example\.org/.test(l)).length, 5, queued);
    const box = r.outputOf('sim mailbox trainer@sandbox.example.org');
    assert.match(box, /Mailbox trainer@sandbox\.example\.org: 5 message\(s\)/);
    assert.equal(box.split('\n').filter((l) => /<> \(a DSN\).*Delivery Status Notification \(Failure\)/.test(l)).length, 5, box);
  },
  'The backend rejects': (r) => {
    assert.match(r.outputOf('tophosts hard'), / 1 {3}example\.com +0 +\d+ +0 +\d+ +3\n/);
    assert.match(r.outputOf('sim mailbox trainer@sandbox.example.org'), /: 3 message\(s\)/);
    const dsn = r.outputOf('sim mailbox trainer@sandbox.example.org 1');
    assert.match(dsn, /^Diagnostic-Code: smtp; 550 5\.1\.1 Mailbox unavailable$/m);
    assert.match(dsn, /^Action: failed$/m);
  },
  'Storage fills': (r) => {
    const first = r.outputOf('sim inject 60');
    assert.match(first, /Accepted: 50 {2}Refused: 10\n {2}10 {2}452 4\.3\.1 /);
    assert.match(r.outputOf('sim wait empty 60'), /The queue is empty\./);
    const again = r.outputOf('sim inject 10');
    assert.match(again, /Accepted: 10 {2}Refused: 0/);
  },
  'Stop receiving': (r) => {
    const lines = r.stdout;
    assert.match(lines, /Receiving suspended for IncomingMail\./);
    const injects = r.stdout.split(`${PROMPT}sim inject 5\n`).slice(1);
    assert.equal(injects.length, 2);
    assert.match(injects[0], /Accepted: 0 {2}Refused: 5\n {2}5 {2}421 4\.3\.2 /);
    assert.match(injects[1], /Accepted: 5 {2}Refused: 0/);
  },
};

test('docs/sandbox.md has the exercises this test checks, each with its start line and typed lines', () => {
  assert.deepEqual(
    exercises.map((e) => e.title),
    Object.keys(CHECKS),
  );
  for (const e of exercises) assert.ok(e.lines.length > 0, e.title);
});

for (const exercise of exercises) {
  test(`docs/sandbox.md exercise "${exercise.title}", exactly as written`, async () => {
    const check = CHECKS[exercise.title];
    assert.ok(check, `no check for "${exercise.title}"`);
    const run = await runExercise(exercise);
    assert.equal(run.stderr.match(/^(?!esa sandbox:).+$/gm), null, `nothing failed:\n${run.stderr}\n${run.stdout}`);
    assert.equal(run.code, 0, run.stderr);
    check(run);
  });
}
