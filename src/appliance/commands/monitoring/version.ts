// `version`: what this appliance is and runs, in the appliance's line format (the reference's
// drivers read `Model` by its second word and the other lines after the first colon).
import { createHash } from 'node:crypto';
import { stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatApplianceDate } from '../../../model/format-date.js';
import { productVersion } from '../../../platform/product-version.js';
import type { Command } from '../../kit/command.js';
import { field } from '../../kit/report-field.js';

/** The virtual model the emulation answers as. */
export const MODEL = 'C100V';

/** When this code was built: the modification time of this module (dist/ is written by the build). */
async function buildDate(): Promise<string> {
  const s = await stat(fileURLToPath(import.meta.url)).catch(() => undefined);
  return s ? `${formatApplianceDate(s.mtimeMs)} UTC` : 'unknown';
}

/** When this appliance was "installed": its data dir was created. */
async function installDate(dataDir: string): Promise<string> {
  const s = await stat(dataDir).catch(() => undefined);
  if (!s) return 'unknown';
  return `${formatApplianceDate(s.birthtimeMs > 0 ? s.birthtimeMs : s.mtimeMs)} UTC`;
}

async function diskSize(dataDir: string): Promise<string> {
  const s = await statfs(dataDir).catch(() => undefined);
  return s ? `${Math.round((s.blocks * s.bsize) / 1e9)} GB` : 'unknown';
}

/** A serial number that stays the same for one data dir. */
const serialOf = (dataDir: string) => `ESASIM-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12).toUpperCase()}`;

export const version: Command = {
  name: 'version',
  access: 'look',
  summary: 'View system version information.',
  help: `version - View system version information.

Product, model, version, build and install dates, serial number and the machine's
CPUs, memory and disk (the RAID and BMC lines of a hardware appliance read NA).

Batch: version`,
  maxArgs: 0,
  async run(io) {
    const dataDir = io.engine.dataDir;
    const [built, installed, disk] = await Promise.all([buildDate(), installDate(dataDir), diskSize(dataDir)]);
    io.print(
      'Current Version',
      '===============',
      `${field('Product:')}esa-sim email security appliance (AsyncOS 14.0 CLI emulation)`,
      `${field('Model:')}${MODEL}`,
      `${field('Version:')}${productVersion()}`,
      `${field('Build Date:')}${built}`,
      `${field('Install Date:')}${installed}`,
      `${field('Serial #:')}${serialOf(dataDir)}`,
      `${field('BIOS:')}NA`,
      `${field('CPUs:')}${os.cpus().length}`,
      `${field('Memory:')}${Math.round(os.totalmem() / 1024 / 1024)} MB`,
      `${field('Hard Disk:')}${disk}`,
      `${field('RAID:')}NA`,
      `${field('RAID Status:')}NA`,
      `${field('RAID Type:')}NA`,
      `${field('BMC:')}NA`,
    );
  },
};
