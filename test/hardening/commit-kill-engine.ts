// A child process for commit-outcome.test.ts: an engine with its control socket on the data
// dir given, which kills itself with SIGKILL right after a commit's new configuration is on
// disk and before the commit is answered (a power cut at the worst moment). Prints "ready".
import path from 'node:path';
import type { ApplianceConfig } from '../../src/model/config.js';
import { startControlServer } from '../../src/appliance/control/server.js';
import { startEngine } from '../helpers/harness.js';

const dataDir = process.argv[2];
const engine = await startEngine({ dataDir });
const api = engine.api;
const apply = api.applyConfig.bind(api);
Object.defineProperty(api, 'applyConfig', {
  value: async (next: ApplianceConfig) => {
    await apply(next);
    process.kill(process.pid, 'SIGKILL');
  },
});
await startControlServer(api, path.join(dataDir, 'esa.sock'));
process.stdout.write('ready\n');
