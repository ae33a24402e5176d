// Scenario 2 in a real terminal (`esa sandbox` in a pseudo-terminal read through a headless
// xterm): start it, ask for each hint, type the commands the hint names (in `backticks`), pass.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { removeDir, tempDir } from '../helpers/harness.js';
import { PROMPT, ShellTerminal } from '../shell/terminal.js';

let t: ShellTerminal | undefined;
let dataDir = '';
after(async () => {
  t?.kill();
  if (t) await Promise.race([t.exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (dataDir) await removeDir(dataDir);
});

/** Types a command and waits until its output is done: its echo is on screen and the prompt is back. */
async function run(term: ShellTerminal, command: string): Promise<void> {
  const echoes = (x: ShellTerminal) => x.lines().filter((l) => l.endsWith(`> ${command}`)).length;
  const before = echoes(term);
  await term.type(`${command}\r`);
  // Its echo is new, and the prompt is back below it (empty) when the command is done.
  await term.until(`"${command}" to finish`, (x) => echoes(x) > before && x.lines().at(-1) !== undefined && PROMPT.test(x.promptLine()) && !x.lines().slice(-3).some((l) => l.endsWith(`> ${command}`)));
}

test('scenario 2 at the terminal: start, follow the hints, pass', async () => {
  dataDir = await tempDir('esa-scenario-pty-');
  t = new ShellTerminal(['sandbox', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--route', '127.0.0.1:0'], { cols: 120, rows: 40 });
  const term = t;
  await term.until('the prompt', (x) => PROMPT.test(x.promptLine()));
  await run(term, 'sim scenario start 2');
  await term.untilLine(/^Goal: the appliance's queue stays near empty/);
  const typed: string[] = [];
  for (let n = 1; n <= 4; n++) {
    await run(term, 'sim scenario hint');
    const hint = term.lines().find((l) => l.startsWith(`Hint ${n} of 4: `));
    assert.ok(hint, `hint ${n} on screen:\n${term.lines().join('\n')}`);
    for (const [, command] of hint.matchAll(/`([^`]+)`/g)) {
      typed.push(command);
      await run(term, command);
    }
  }
  assert.deepEqual(typed, ['suspendlistener ALL', 'sim clock +1h30m', 'sim scenario status', 'resume', 'sim clock +20m', 'sim scenario check']);
  await term.untilLine(/^ {2}ok {3}every message arrived at the backend: 25 of 25$/);
  await term.untilLine(/^PASSED\. /);
  term.write('\x04');
  assert.equal(await term.exited, 0);
});
