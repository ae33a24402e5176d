// The machine's gauges of `status` measured for real: the engine's resident memory against
// the machine's, the load average per CPU, how busy the data dir's disk is and how full the logs' file system is.
import { readFile, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { SystemGauges } from '../api/engine-api.js';

/** One reading of the disk's busy time (ms doing I/O, from /proc/diskstats) at a wall time. */
interface DiskSample {
  at: number;
  busyMs: number;
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.max(0, Math.min(100, Math.round((part / whole) * 100))) : 0);

/** Linux dev_t to `major:minor`. */
function deviceId(dev: number): string {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00);
  return `${major}:${minor}`;
}

/**
 * ms spent doing I/O by the device `id`, or, when the data dir is on no block device of its
 * own (overlay, tmpfs), by the busiest real disk. undefined where /proc/diskstats is missing.
 */
async function diskBusyMs(id: string): Promise<number | undefined> {
  const text = await readFile('/proc/diskstats', 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let busiest: number | undefined;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const ticks = Number(f[12]);
    if (`${f[0]}:${f[1]}` === id) return ticks;
    if (!/^(loop|ram|zram)/.test(f[2]) && (busiest === undefined || ticks > busiest)) busiest = ticks;
  }
  return busiest;
}

export class SystemMeter {
  #last: DiskSample | undefined;
  #lastPercent = 0;

  constructor(
    readonly dataDir: string,
    readonly logDir: string,
  ) {}

  async measure(): Promise<SystemGauges> {
    const [disk, fsStats] = await Promise.all([this.#diskIo(), statfs(this.logDir).catch(() => undefined)]);
    const cpus = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    let loggingDiskPercent = 0;
    let loggingDiskAvailable = 0;
    if (fsStats) {
      loggingDiskPercent = percent(fsStats.blocks - fsStats.bfree, fsStats.blocks);
      loggingDiskAvailable = fsStats.bavail * fsStats.bsize;
    }
    return {
      ramPercent: percent(process.memoryUsage.rss(), os.totalmem()),
      cpuPercent: percent(os.loadavg()[0], cpus),
      diskIoPercent: disk,
      loggingDiskPercent,
      loggingDiskAvailable,
    };
  }

  /** Busy share since the previous measure; the first one averages since boot. */
  async #diskIo(): Promise<number> {
    const dev = await stat(this.dataDir).then(
      (s) => deviceId(s.dev),
      () => '',
    );
    const busyMs = await diskBusyMs(dev);
    if (busyMs === undefined) return 0;
    const now = Date.now();
    const last = this.#last;
    if (!last) {
      this.#last = { at: now, busyMs };
      this.#lastPercent = percent(busyMs, os.uptime() * 1000);
      return this.#lastPercent;
    }
    // Two status commands within a second: the previous figure is the better one.
    if (now - last.at < 1000) return this.#lastPercent;
    this.#last = { at: now, busyMs };
    this.#lastPercent = percent(busyMs - last.busyMs, now - last.at);
    return this.#lastPercent;
  }
}
