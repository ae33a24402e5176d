// The appliance's own SSH server (`--ssh H:P`): a front end in the engine process. It
// authenticates users of the configuration (password: scrypt; public key: the user's keys),
// locks out an address after five failures, and runs each SSH session as one CLI session of
// that user, through the same front ends as `esa shell`: on a pty the interactive shell (Ink,
// or the plain line shell for a terminal that is not a person's: terminal-choice.ts), batch on
// a pipe, `-c` for exec. See docs/ssh.md.
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex, Writable } from 'node:stream';
import type { Connection, ServerChannel, Session, AuthContext, PseudoTtyInfo } from 'ssh2';
import type { HostPort } from '../../src/model/config.js';
import type { ControlServer } from '../../src/appliance/control/server.js';
import { findUser } from '../../src/users/accounts.js';
import { parsePublicKey } from '../../src/users/public-key.js';
import { lockNotice } from '../../src/users/login.js';
import type { SessionUser } from '../../src/users/roles.js';
import type { SessionLink } from '../front-end.js';
import { channelTty, ttyOutput, type TtyOutput } from './channel-tty.js';
import { loadHostKey } from './host-key.js';
import { loadSsh2, type Ssh2 } from './ssh2-seam.js';

export interface SshServerOptions {
  control: ControlServer;
  listen: HostPort;
}

/** What a locked-out address is told when it tries again (its client shows it; the refusal follows). */
export function lockedOutText(ip: string, ms: number): string {
  return lockNotice({ kind: 'address', key: ip, ms });
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SshServer {
  readonly #clients = new Set<Connection>();
  #closing: Promise<void> | null = null;

  private constructor(
    readonly ssh2: Ssh2,
    readonly server: InstanceType<Ssh2['Server']>,
    readonly control: ControlServer,
    readonly fingerprint: string,
  ) {}

  /** Loads or makes the host key, then listens; rejects with the bind error (EADDRINUSE...). */
  static async start(o: SshServerOptions): Promise<SshServer> {
    const ssh2 = await loadSsh2();
    const hostKey = await loadHostKey(ssh2, o.control.engine.dataDir);
    let self: SshServer | undefined;
    const server = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: 'esa-sim' }, (client, info) => self?.accept(client, info.ip));
    self = new SshServer(ssh2, server, o.control, hostKey.fingerprint);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.listen.port, o.listen.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    server.on('error', (e: Error) => o.control.engine.diagnostics.warn(`SSH server: ${e.message}`));
    return self;
  }

  get address(): HostPort {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  get audit() {
    return this.control.audit;
  }

  accept(client: Connection, ip: string): void {
    this.#clients.add(client);
    let user: SessionUser | undefined;
    client.on('error', () => undefined);
    // The user is known before ctx.accept(): 'ready' may follow at once.
    client.on('authentication', (ctx) => void this.#authenticate(ctx, ip, (u) => (user = u)));
    client.on('ready', () => {
      if (!user) return client.end();
      const who = user;
      client.on('session', (acceptSession) => this.#session(acceptSession(), who));
    });
    client.on('close', () => {
      this.#clients.delete(client);
      if (user) this.audit.loggedOut(user);
    });
  }

  /** Accepts or rejects ctx; `loggedIn` gets the user just before an acceptance. */
  async #authenticate(ctx: AuthContext, ip: string, loggedIn: (user: SessionUser) => void): Promise<void> {
    const methods: ('password' | 'publickey' | 'keyboard-interactive')[] = ['publickey', 'password'];
    const name = ctx.username;
    // The same accounts, lockout and authentication log as the web GUI's logins.
    const logins = this.control.logins;
    // A refusal carries no text: a locked-out address or account is offered keyboard-interactive
    // too, whose instruction text clients show, to say why ("Permission denied" alone does not).
    const refuse = () => ctx.reject(logins.lockFor(name, ip) ? [...methods, 'keyboard-interactive'] : methods);
    const accept = (user: SessionUser | undefined) => {
      if (!user) return refuse();
      loggedIn(user);
      ctx.accept();
    };
    if (ctx.method === 'keyboard-interactive') {
      const lock = logins.lockFor(name, ip);
      if (!lock) return ctx.reject(methods);
      if (lock.kind === 'address') logins.refusedLocked(name, ip);
      else logins.audit.refusedAccountLocked(name, ip);
      ctx.prompt([{ prompt: 'Press Enter. ', echo: false }], 'Login refused', lockNotice(lock), () => ctx.reject(methods));
      return;
    }
    if (ctx.method === 'password') {
      const outcome = await logins.password(name, ctx.password, ip, 'SSH');
      return outcome.ok ? accept(outcome.user) : refuse();
    }
    if (logins.refusedLocked(name, ip)) {
      refuse();
      return;
    }
    if (ctx.method === 'publickey') {
      const stored = findUser(this.control.engine.config(), name);
      const line = stored?.keys?.find((k) => {
        const p = parsePublicKey(k);
        return !('error' in p) && p.type === ctx.key.algo && sameBytes(p.blob, ctx.key.data);
      });
      if (!line) {
        // An offered key that is not this user's: the client tries its next one; not a failure.
        ctx.reject(methods);
        return;
      }
      // The client first asks whether the key would do (no signature), then signs.
      if (!ctx.signature) {
        ctx.accept();
        return;
      }
      const key = this.ssh2.utils.parseKey(line);
      const parsed = key instanceof Error ? undefined : Array.isArray(key) ? key[0] : key;
      if (parsed?.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true) return accept(logins.succeeded(name, ip, 'publickey', 'SSH'));
      logins.failed(name, ip, ctx.method);
      refuse();
      return;
    }
    refuse();
  }

  #link(user: SessionUser, opened: Duplex[]): SessionLink {
    return {
      open: () => {
        const stream = this.control.openInProcess(user);
        opened.push(stream);
        return stream;
      },
      historyFile: path.join(this.control.engine.dataDir, `history.${user.name}`),
    };
  }

  #session(session: Session, user: SessionUser): void {
    let pty: PseudoTtyInfo | null = null;
    let output: TtyOutput | null = null;
    session.on('pty', (accept, _reject, info) => {
      pty = info;
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      output?.resize({ cols: info.cols, rows: info.rows });
      accept?.();
    });
    session.on('env', (accept) => accept?.());
    session.on('shell', (accept) => {
      const channel = accept();
      const run = async (opened: Duplex[]): Promise<number> => {
        if (!pty) {
          const { runBatch } = await import('../batch.js');
          return runBatch(this.#link(user, opened), channel, { output: channel, errors: channel.stderr });
        }
        const tty = channelTty(channel, pty, pty.term);
        output = tty.output;
        const { runInteractiveShell } = await import('../ink/run.js');
        return runInteractiveShell(
          this.#link(user, opened),
          { stdin: tty.input as unknown as NodeJS.ReadStream, stdout: tty.output as unknown as NodeJS.WriteStream, stderr: tty.output },
          { term: pty.term || 'dumb', columns: pty.cols, rows: pty.rows },
        );
      };
      this.#runOn(channel, run);
    });
    session.on('exec', (accept, _reject, info) => {
      const channel = accept();
      this.#runOn(channel, async (opened) => {
        const { runCommandLine } = await import('../batch.js');
        const streams = pty ? { output: ttyOutput(channel, pty, pty.term), errors: channel.stderr } : { output: channel, errors: channel.stderr };
        return runCommandLine(this.#link(user, opened), info.command, streams);
      });
    });
  }

  /** Runs a front end on a channel, then sends its exit status and closes the channel. */
  #runOn(channel: ServerChannel, run: (opened: Duplex[]) => Promise<number>): void {
    const opened: Duplex[] = [];
    // The client went away: end the session's stream, so the front end (and a dialog) ends too.
    channel.on('close', () => {
      for (const s of opened) s.destroy();
    });
    run(opened).then(
      (code) => finish(channel, code),
      (e: Error) => {
        if (channel.writable) channel.stderr.write(`esa: ${e.message}\r\n`);
        finish(channel, 2);
      },
    );
  }

  /** Ends every SSH connection, then stops listening. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const c of this.#clients) c.end();
    });
    return this.#closing;
  }
}

function finish(channel: ServerChannel, code: number): void {
  if (!channel.writable) return;
  (channel as Writable).write('', () => {
    channel.exit(code);
    channel.end();
  });
}
