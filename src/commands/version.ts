// `version`: what this appliance is and runs.
import { productVersion } from '../product-version.js';
import type { Command } from './command.js';
import { field } from './report-field.js';

export const version: Command = {
  name: 'version',
  summary: 'View system version information.',
  help: `version - View system version information.

Batch: version`,
  async run(io) {
    io.print(
      'Current Version',
      '===============',
      `${field('Product:')}esa-sim email security appliance sandbox (AsyncOS-style CLI)`,
      `${field('Version:')}${productVersion()}`,
      `${field('Hostname:')}${io.engine.hostname}`,
      `${field('Node.js:')}${process.version}`,
    );
  },
};
