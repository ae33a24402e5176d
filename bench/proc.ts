// What the benchmark reads about processes and the machine: free ports, memory and CPU time
// from /proc, directory sizes, load average, and a connect+EHLO probe for "the listener
// accepts again".
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A TCP port on loopback that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process (VmRSS), bytes; 0 when it is gone. */
export async function rssBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds of a process (user + system); with reaped children when `withChildren`. */
export async function cpuSeconds(pid: number, withChildren = false): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const own = Number(f[11]) + Number(f[12]);
    const children = withChildren ? Number(f[13]) + Number(f[14]) : 0;
    return (own + children) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds of this process's children that have ended and been reaped (cutime + cstime). */
export async function reapedChildrenCpuSeconds(): Promise<number> {
  const text = await readFile('/proc/self/stat', 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / TICKS;
}

/** Pids whose parent is `ppid`. */
export async function childPids(ppid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = await readFile(`/proc/${name}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === ppid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Bytes of the regular files under a directory (apparent size), and how many there are. */
export async function dirUsage(dir: string): Promise<{ bytes: number; files: number; blocksBytes: number }> {
  let bytes = 0;
  let files = 0;
  let blocksBytes = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        try {
          const s = await stat(p);
          bytes += s.size;
          blocksBytes += s.blocks * 512;
          files++;
        } catch {
          // removed meanwhile
        }
      }
    }
  };
  await walk(dir);
  return { bytes, files, blocksBytes };
}

export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [a, b, c];
}

/**
 * Connects and says EHLO; resolves with true once a 250 reply to EHLO arrives, false when the
 * connection is refused, dropped or answered otherwise.
 */
export function smtpProbe(port: number, host = '127.0.0.1', timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    let stage: 'greeting' | 'ehlo' = 'greeting';
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) socket.end('QUIT\r\n');
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.setNoDelay(true);
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      // A reply is complete when a line has a space after the code.
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!/^\d{3} /.test(line)) continue;
        if (stage === 'greeting') {
          if (!line.startsWith('220')) return finish(false);
          stage = 'ehlo';
          socket.write('EHLO bench.localdomain\r\n');
        } else {
          return finish(line.startsWith('250'));
        }
      }
    });
  });
}

/** Polls connect+EHLO until it succeeds; resolves with the real ms it took, rejects past the timeout. */
export async function waitForSmtp(port: number, timeoutMs = 60_000, host = '127.0.0.1'): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await smtpProbe(port, host)) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`nothing answered EHLO on ${host}:${port} within ${timeoutMs / 1000} s`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A sleep that does not keep the process alive (for the losing side of a race). */
export function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Proportional set size (shared pages split between sharers), bytes; 0 when gone. */
export async function pssBytes(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Busy share of all CPUs (0..1) over `ms`, from /proc/stat: how loaded the machine is by others. */
export async function machineBusy(ms: number): Promise<number> {
  const read = async () => {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { idle, total };
  };
  try {
    const a = await read();
    await sleep(ms);
    const b = await read();
    const total = b.total - a.total;
    return total > 0 ? 1 - (b.idle - a.idle) / total : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Waits until a child started as an SMTP server answers, or fails with its stderr if it exits
 * first.
 */
export async function childAnswersSmtp<T>(exited: Promise<T>, port: number, timeoutMs: number, why: (code: T) => string): Promise<void> {
  const early = exited.then((code) => {
    throw new Error(why(code));
  });
  await Promise.race([waitForSmtp(port, timeoutMs), early]);
  void early.catch(() => undefined);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves true when the child stopped by itself. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<boolean> {
  child.kill('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), deadline(graceMs).then(() => false)]);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
  return gone;
}
