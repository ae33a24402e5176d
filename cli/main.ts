// The `esa` command line: start | shell | sandbox | backend | bench.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { parseHostPort } from '../src/config/config.js';
import { runBackend, runStart, type StartArgs } from './start.js';

function hostPort(what: string) {
  return (v: string | undefined) => (v === undefined ? undefined : parseHostPort(v, what));
}

function positiveNumber(what: string) {
  return (v: number | undefined) => {
    if (v === undefined) return undefined;
    if (!Number.isFinite(v) || v < 0) throw new Error(`${what} must be a number >= 0`);
    return v;
  };
}

const engineOptions = {
  'data-dir': { type: 'string', default: process.env.ESA_DATA_DIR ?? './esa-data', describe: 'all state: configuration, queue, logs, socket' },
  hostname: { type: 'string', describe: 'host name: SMTP banner, prompt, DSN Reporting-MTA (default mail.example.com)' },
  listen: { type: 'string', describe: 'H:P of the listener IncomingMail (default 127.0.0.1:2525)', coerce: hostPort('--listen') },
  accept: { type: 'string', describe: 'comma list of accepted recipient domains (default example.com)', coerce: (v?: string) => v?.split(',').map((s) => s.trim()).filter(Boolean) },
  route: { type: 'string', describe: 'H:P of the default SMTP route, ALL -> this host (default 127.0.0.1:2526)', coerce: hostPort('--route') },
  socket: { type: 'string', describe: 'the control socket (default <data-dir>/esa.sock)' },
  'queue-max-messages': { type: 'number', describe: 'queue storage limit in messages (default 1,000,000)', coerce: positiveNumber('--queue-max-messages') },
  'queue-max-mb': { type: 'number', describe: 'queue storage limit in MB (default 10240)', coerce: positiveNumber('--queue-max-mb') },
  'time-scale': { type: 'number', default: 1, describe: 'simulated time runs X times faster than the wall clock', coerce: positiveNumber('--time-scale') },
  ssh: { type: 'string', describe: 'also serve the CLI over SSH on H:P (not available yet)' },
} as const;

await yargs(hideBin(process.argv))
  .scriptName('esa')
  .usage('$0 <command> [options]')
  .command({
    command: 'start',
    describe: 'run the engine in the foreground (logs to stdout)',
    builder: (y) => y.options(engineOptions),
    handler: (argv) => runStart(argv as unknown as StartArgs),
  })
  .command({
    command: 'backend',
    describe: 'the built-in backend mail server alone',
    builder: (y) =>
      y.options({
        listen: { type: 'string', default: '127.0.0.1:2526', describe: 'H:P to listen on', coerce: hostPort('--listen') },
        store: { type: 'string', describe: 'write received messages as .eml files here' },
      }),
    handler: (argv) => runBackend(argv as never),
  })
  .demandCommand(1, 'Say which command: esa start | shell | sandbox | backend | bench (esa --help lists them)')
  .strict()
  .fail((msg, err) => {
    process.stderr.write(`esa: ${msg ?? err?.message ?? 'bad arguments'} (see esa --help)\n`);
    process.exit(2);
  })
  .help()
  .version()
  .parseAsync();
