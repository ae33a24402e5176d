// A private Postfix instance for the side-by-side figures: its own config_directory (main.cf,
// master.cf), queue_directory and data_directory in a temp dir, smtpd on a loopback port,
// relayhost at the same sink as the engine, no chroot. Started with `postfix -c DIR start`,
// drained with `postqueue -c DIR -f`, stopped by signalling its master (what `postfix stop`
// does, without the script's one-second polling).
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ControlTiming, FlushHow, MailServer } from './mta.js';
import { childPids, cpuSeconds, dirUsage, isAlive, pssBytes, sleep, waitForSmtp } from './proc.js';
import { findProgram } from './sink.js';

const run = promisify(execFile);

/** Why Postfix cannot be used here, or undefined when it can. */
export async function postfixUnavailable(): Promise<string | undefined> {
  if (!findProgram('postfix') || !findProgram('postqueue')) return 'Postfix is not installed (apt-get install -y postfix)';
  if (process.getuid?.() !== 0) return 'a private Postfix instance needs root (its master runs as root, mail_owner postfix)';
  try {
    await run('id', ['postfix']);
  } catch {
    return 'there is no postfix user (install the Debian package postfix)';
  }
  return undefined;
}

export class PostfixInstance implements MailServer {
  readonly name = 'postfix';
  #dir = '';

  /**
   * `extraMain`: lines added to main.cf (TLS settings, say), `$DIR` standing for its directory;
   * `files`: written there (mode 0600) before it starts (a certificate and its key).
   */
  constructor(
    readonly port: number,
    readonly relayPort: number,
    readonly extraMain: readonly string[] = [],
    readonly files: Readonly<Record<string, string>> = {},
  ) {}

  /** The directory its files live in (certificates a caller writes for main.cf go here too); set once started. */
  get dir(): string {
    return this.#dir;
  }

  get configDir(): string {
    return path.join(this.#dir, 'conf');
  }

  get queueDir(): string {
    return path.join(this.#dir, 'queue');
  }

  async #configure(): Promise<void> {
    this.#dir = await mkdtemp(path.join(tmpdir(), 'esa-bench-postfix-'));
    // Its daemons run as the postfix user and must reach data/ and the mail log through it.
    await chmod(this.#dir, 0o755);
    const data = path.join(this.#dir, 'data');
    await mkdir(this.configDir);
    await mkdir(this.queueDir);
    await mkdir(data);
    const { stdout } = await run('id', ['-u', 'postfix']);
    const { stdout: gid } = await run('id', ['-g', 'postfix']);
    await chown(data, Number(stdout.trim()), Number(gid.trim()));
    const main = [
      'compatibility_level = 3.6',
      `queue_directory = ${this.queueDir}`,
      `data_directory = ${data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = postfix-bench.localdomain',
      'mydestination =',
      'inet_interfaces = loopback-only',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      // Relays the test domain, like the engine's RAT `example.com`.
      'relay_domains = example.com',
      `relayhost = [127.0.0.1]:${this.relayPort}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      'alias_maps =',
      'alias_database =',
      'local_transport = error:local delivery is disabled',
      // Its mail log, as the engine writes its own.
      `maillog_file_prefixes = ${this.#dir}`,
      `maillog_file = ${path.join(this.#dir, 'maillog')}`,
      'smtputf8_enable = no',
      'biff = no',
      ...this.extraMain.map((l) => l.replaceAll('$DIR', this.#dir)),
      '',
    ].join('\n');
    const services = [
      `127.0.0.1:${this.port} inet n - n - - smtpd`,
      'pickup unix n - n 60 1 pickup',
      'cleanup unix n - n - 0 cleanup',
      'qmgr unix n - n 300 1 qmgr',
      'rewrite unix - - n - - trivial-rewrite',
      'bounce unix - - n - 0 bounce',
      'defer unix - - n - 0 bounce',
      'trace unix - - n - 0 bounce',
      'verify unix - - n - 1 verify',
      'flush unix n - n 1000? 0 flush',
      'proxymap unix - - n - - proxymap',
      'smtp unix - - n - - smtp',
      'relay unix - - n - - smtp',
      'showq unix n - n - - showq',
      'error unix - - n - - error',
      'retry unix - - n - - error',
      'discard unix - - n - - discard',
      'anvil unix - - n - 1 anvil',
      // TLS's session caches and entropy (its smtp and smtpd refuse TLS without it).
      'tlsmgr unix - - n 1000? 1 tlsmgr',
      // Holds TLS connections for reuse (smtp_tls_connection_reuse).
      'tlsproxy unix - - n - 0 tlsproxy',
      'scache unix - - n - 1 scache',
      'postlog unix-dgram n - n - 1 postlogd',
      '',
    ].join('\n');
    for (const [name, text] of Object.entries(this.files)) await writeFile(path.join(this.#dir, name), text, { mode: 0o600 });
    await writeFile(path.join(this.configDir, 'main.cf'), main);
    await writeFile(path.join(this.configDir, 'master.cf'), services);
  }

  async #masterPid(): Promise<number | undefined> {
    try {
      const pid = Number((await readFile(path.join(this.queueDir, 'pid', 'master.pid'), 'utf8')).trim());
      return pid > 0 && isAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  async start(): Promise<void> {
    if (!this.#dir) await this.#configure();
    try {
      await run(findProgram('postfix')!, ['-c', this.configDir, 'start'], { timeout: 60_000 });
    } catch (e) {
      throw new Error(`postfix -c ${this.configDir} start failed: ${(e as Error).message}\n${await this.logTail()}`);
    }
    await waitForSmtp(this.port, 60_000);
  }

  /** Its whole mail log. */
  async maillog(): Promise<string> {
    return readFile(path.join(this.#dir, 'maillog'), 'utf8').catch(() => '');
  }

  async logTail(): Promise<string> {
    try {
      return (await readFile(path.join(this.#dir, 'maillog'), 'utf8')).split('\n').slice(-10).join('\n');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    const pid = await this.#masterPid();
    if (!pid) return;
    process.kill(pid, 'SIGTERM');
    const until = performance.now() + 30_000;
    while (isAlive(pid)) {
      if (performance.now() > until) {
        process.kill(-pid, 'SIGKILL');
        break;
      }
      await sleep(10);
    }
    // Its children leave with it; give stragglers a moment.
    for (let i = 0; i < 100 && (await childPids(pid)).length > 0; i++) await sleep(20);
  }

  async #count(...dirs: string[]): Promise<number> {
    let n = 0;
    for (const d of dirs) n += (await dirUsage(path.join(this.queueDir, d))).files;
    return n;
  }

  queued(): Promise<number> {
    return this.#count('maildrop', 'incoming', 'active', 'deferred', 'hold');
  }

  async settledWhileDown(): Promise<boolean> {
    return (await this.#count('maildrop', 'incoming', 'active')) === 0;
  }

  async flush(): Promise<FlushHow> {
    await run(findProgram('postqueue')!, ['-c', this.configDir, '-f'], { timeout: 60_000 });
    return 'postqueue -f';
  }

  async #pids(): Promise<number[]> {
    const master = await this.#masterPid();
    return master ? [master, ...(await childPids(master))] : [];
  }

  /** Proportional memory of all its processes (RSS would count shared libraries once per process). */
  async rssBytes(): Promise<number> {
    let sum = 0;
    for (const pid of await this.#pids()) sum += await pssBytes(pid);
    return sum;
  }

  async cpuSeconds(): Promise<number> {
    const master = await this.#masterPid();
    if (!master) return 0;
    let sum = await cpuSeconds(master, true);
    for (const pid of await childPids(master)) sum += await cpuSeconds(pid);
    return sum;
  }

  async queueDisk(): Promise<{ stateBytes: number; contentBytes: number; files: number }> {
    let content = 0;
    let files = 0;
    for (const d of ['incoming', 'active', 'deferred', 'hold']) {
      const u = await dirUsage(path.join(this.queueDir, d));
      content += u.bytes;
      files += u.files;
    }
    // Per-message delivery status lives in the defer logs.
    const defer = await dirUsage(path.join(this.queueDir, 'defer'));
    return { stateBytes: defer.bytes, contentBytes: content, files: files + defer.files };
  }

  async statusAndTopHosts(): Promise<{ status: ControlTiming; tophosts: ControlTiming } | { skipped: string }> {
    const timed = async (file: string, args: string[], label: string): Promise<ControlTiming> => {
      const t = performance.now();
      await run(file, args, { timeout: 300_000, maxBuffer: 1 << 30 });
      return { command: label, ms: performance.now() - t, note: 'the nearest Postfix view, whole client process' };
    };
    const qshape = findProgram('qshape');
    return {
      status: await timed(findProgram('postqueue')!, ['-c', this.configDir, '-p'], 'postqueue -p'),
      tophosts: qshape
        ? await timed(qshape, ['-c', this.configDir, 'deferred'], 'qshape deferred')
        : { command: 'qshape', ms: NaN, note: 'qshape is not installed' },
    };
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = '';
  }
}
