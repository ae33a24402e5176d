// Measures how long `esa shell` takes from spawn to a usable prompt in a real terminal, using
// the built code (run `npm run build` first). Not part of the suite: timings depend on the machine.
//   node --import tsx test/shell/startup-time.ts [runs]
import path from 'node:path';
import pty from 'node-pty';
import { ROOT } from '../helpers/harness.js';
import { startCliEngine } from '../cli/cli-harness.js';

const RUNS = Number(process.argv[2] ?? 10);
const PROMPT = 'mail.example.com>';
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');

interface Timing {
  /** Spawn to the prompt on the terminal. */
  prompt: number;
  /** Spawn to a key typed at spawn time showing after the prompt: the shell takes input. */
  echo: number;
}

/**
 * One start of the shell; a key is typed at once, and Ctrl-D leaves once it shows. `answers`:
 * the terminal answers the shell's cursor position request, as a terminal emulator does (the
 * shell then chooses Ink); a script's pty does not.
 */
function once(command: string, args: string[], env: Record<string, string>, answers = true): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const term = pty.spawn(command, args, { cwd: ROOT, cols: 100, rows: 30, env: { ...process.env, CI: 'false', ...env } as Record<string, string> });
    let seen = '';
    const at: Partial<Timing> = {};
    const timer = setTimeout(() => {
      term.kill();
      reject(new Error(`no prompt after 20 s: ${JSON.stringify(plain(seen).slice(-200))}`));
    }, 20_000);
    term.write('x');
    term.onData((d) => {
      if (answers && d.includes('\x1b[6n')) term.write('\x1b[1;1R');
      seen += d;
      const text = plain(seen);
      if (at.prompt === undefined && text.includes(PROMPT)) at.prompt = performance.now() - started;
      if (at.echo === undefined && text.includes(`${PROMPT} x`)) {
        at.echo = performance.now() - started;
        term.write('\x7f\x04');
      }
    });
    term.onExit(() => {
      clearTimeout(timer);
      if (at.prompt !== undefined && at.echo !== undefined) resolve(at as Timing);
      else reject(new Error(`exited too early: ${JSON.stringify(plain(seen).slice(-200))}`));
    });
  });
}

function summary(name: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return `${name.padEnd(50)} median ${median.toFixed(0).padStart(5)} ms   min ${sorted[0].toFixed(0).padStart(5)}   max ${sorted.at(-1)!.toFixed(0).padStart(5)}   (${times.length} runs)`;
}

const cli = await startCliEngine();
try {
  const bin = path.join(ROOT, 'bin/esa.js');
  const args = [bin, 'shell', '--socket', cli.socket];
  const variants: [string, Record<string, string>, boolean][] = [
    ['esa shell (Ink)', { TERM: 'xterm-256color' }, true],
    ['esa shell (line shell, ESA_SHELL=readline)', { ESA_SHELL: 'readline', TERM: 'xterm-256color' }, true],
    ['esa shell (line shell, TERM=dumb)', { TERM: 'dumb' }, true],
  ];
  // One unmeasured run each warms the file cache.
  for (const [, env, answers] of variants) await once(process.execPath, args, env, answers);
  for (const [name, env, answers] of variants) {
    const runs: Timing[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(process.execPath, args, env, answers));
    console.log(
      summary(
        `${name}: prompt shown`,
        runs.map((r) => r.prompt),
      ),
    );
    console.log(
      summary(
        `${name}: typed key shown`,
        runs.map((r) => r.echo),
      ),
    );
  }
} finally {
  await cli.stop();
}
