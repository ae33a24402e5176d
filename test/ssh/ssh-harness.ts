// SSH test harness: a real engine with its control socket and the SSH front end in this
// process, and the real OpenSSH client against it — with a key (BatchMode) or a password
// (SSH_ASKPASS), over pipes or in a pseudo-terminal — plus an expect-style driver that waits
// for each prompt before it types.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SshServer } from '../../cli/ssh/ssh-server.js';
import { ensureFirstAdmin } from '../../src/users/first-admin.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import { removeDir, tempDir, waitFor, type TestEngineOptions } from '../helpers/harness.js';

export const ADMIN_PASSWORD = 'Adm1n#Secret';

export interface SshEngine {
  cli: CliEngine;
  ssh: SshServer;
  port: number;
  /** Keys, known_hosts and the askpass script live here. */
  dir: string;
  stop(): Promise<void>;
}

export async function startSshEngine(o: TestEngineOptions = {}): Promise<SshEngine> {
  const cli = await startCliEngine(o);
  await ensureFirstAdmin(cli.engine.api, ADMIN_PASSWORD);
  // A start that fails must not leave the engine running (the test file would never end).
  const ssh = await SshServer.start({ control: cli.control, listen: { host: '127.0.0.1', port: 0 } }).catch(async (e: unknown) => {
    await cli.stop();
    throw e;
  });
  const dir = await tempDir();
  const askpass = path.join(dir, 'askpass.sh');
  writeFileSync(askpass, '#!/bin/sh\nprintf "%s\\n" "$ESA_TEST_PASSWORD"\n');
  chmodSync(askpass, 0o700);
  const running: SshEngine = {
    cli,
    ssh,
    port: ssh.address.port,
    dir,
    async stop() {
      // The server in use now (a test may have restarted it).
      await running.ssh.close();
      await cli.stop();
      await removeDir(dir);
    },
  };
  return running;
}

/** A fresh Ed25519 key pair made by ssh-keygen; the public key line and the private key's file. */
export function makeKey(e: SshEngine, name: string): { file: string; publicKey: string } {
  const file = path.join(e.dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', file]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  return { file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** Adds and commits a user through the control socket (the local admin). */
export async function addUser(e: SshEngine, name: string, role: string, o: { password?: string; key?: string } = {}): Promise<void> {
  const args = [`role="${role}"`, ...(o.password ? [`password=${o.password}`] : []), ...(o.key ? [`key="${o.key}"`] : [])];
  const r = await batch(e.cli.socket, `userconfig new ${name} ${args.join(' ')}\ncommit "add ${name}"\n`);
  if (r.code !== 0) throw new Error(`adding ${name} failed: ${r.stdout}${r.stderr}`);
}

export interface Login {
  user: string;
  /** Password login (through SSH_ASKPASS), one try per connection. */
  password?: string;
  /** Key login with BatchMode=yes. */
  keyFile?: string;
}

/** The ssh command line for a login; `extra` before the destination (e.g. -tt), `command` after it. */
export function sshArgs(e: SshEngine, login: Login, extra: string[] = [], command?: string): string[] {
  const common = [
    '-F',
    '/dev/null',
    '-p',
    String(e.port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    `UserKnownHostsFile=${path.join(e.dir, 'known_hosts')}`,
    '-o',
    'LogLevel=ERROR',
  ];
  const auth = login.keyFile
    ? ['-i', login.keyFile, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'PreferredAuthentications=publickey']
    : ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1'];
  return [...common, ...auth, ...extra, `${login.user}@127.0.0.1`, ...(command === undefined ? [] : [command])];
}

/** The environment ssh needs for a password login. */
export function sshEnv(e: SshEngine, login: Login): NodeJS.ProcessEnv {
  return { ...process.env, SSH_ASKPASS: path.join(e.dir, 'askpass.sh'), SSH_ASKPASS_REQUIRE: 'force', ESA_TEST_PASSWORD: login.password ?? '', DISPLAY: ':0' };
}

export function spawnSsh(e: SshEngine, login: Login, extra: string[] = [], command?: string): ChildProcess {
  return spawn('ssh', sshArgs(e, login, extra, command), { env: sshEnv(e, login), stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface SshRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs ssh to the end: `input` is written to its stdin, then closed. */
export async function runSsh(e: SshEngine, login: Login, o: { command?: string; input?: string; extra?: string[] } = {}): Promise<SshRun> {
  const child = spawnSsh(e, login, o.extra ?? [], o.command);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<SshRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  child.stdin!.end(o.input ?? '');
  return done;
}

/**
 * Expect-style: output accumulates; `expect` waits until a pattern appears after what the last
 * `expect` consumed, and only then does the script `send` — the point of the test: wait, then type.
 */
export class Expect {
  text = '';
  /** What came between the previous match and the last one. */
  before = '';
  #at = 0;

  constructor(readonly write: (data: string) => void) {}

  feed(data: string): void {
    this.text += data;
  }

  /** Resolves with the matched text. */
  async expect(pattern: RegExp | string, what = String(pattern), timeoutMs = 60_000): Promise<string> {
    let found: { index: number; length: number; text: string } | undefined;
    const search = () => {
      const rest = this.text.slice(this.#at);
      if (typeof pattern === 'string') {
        const i = rest.indexOf(pattern);
        found = i < 0 ? undefined : { index: i, length: pattern.length, text: pattern };
      } else {
        const m = pattern.exec(rest);
        found = m ? { index: m.index, length: m[0].length, text: m[0] } : undefined;
      }
      return found !== undefined;
    };
    try {
      await waitFor(search, what, timeoutMs);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; output since the last match:\n${this.text.slice(this.#at)}${process.env.SSH_TEST_DEBUG ? `\nall:\n${JSON.stringify(this.text)}` : ''}`,
      );
    }
    this.before = this.text.slice(this.#at, this.#at + found!.index);
    this.#at += found!.index + found!.length;
    return found!.text;
  }

  send(line: string, eol = '\n'): void {
    this.write(`${line}${eol}`);
  }
}

/** A question's prompt (`[default]> `) or the main prompt, whichever comes first. */
export const PROMPTS = /\[[^\]\r\n]*\]> |mail\.example\.com> /;

/**
 * Answers every question with Enter (its default) until the main prompt is back; returns the
 * questions' count. Each answer is typed only once its question's prompt has appeared.
 */
export async function answerDefaults(x: Expect, eol = '\n'): Promise<number> {
  for (let n = 0; ; n++) {
    const prompt = await x.expect(PROMPTS, 'a prompt');
    if (prompt.startsWith('mail.example.com')) return n;
    x.send('', eol);
  }
}
