// The `esa` command line: start | shell | sandbox | backend | bench. Each command's code is
// imported when it runs, so `esa shell -c status` does not load the engine.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { makeStdioBestEffort } from '../src/platform/best-effort-stdio.js';
import { parseHostPort } from '../src/model/config.js';
import { parsePatternList } from '../src/model/domain-pattern.js';
import { repeatSafe } from './repeated-flags.js';
import type { StartArgs } from './start.js';

function hostPort(what: string) {
  return (v: string | undefined) => (v === undefined ? undefined : parseHostPort(v, what));
}

/** A comma list of domain patterns, refused with the pattern's own message. */
function domainPatterns(what: string) {
  return (v: string | undefined) =>
    v === undefined
      ? undefined
      : (() => {
          const p = parsePatternList(v);
          if ('error' in p) throw new Error(`${what}: ${p.error}`);
          return p.value.map(String);
        })();
}

function positiveNumber(what: string) {
  return (v: number | undefined) => {
    if (v === undefined) return undefined;
    if (!Number.isFinite(v) || v < 0) throw new Error(`${what} must be a number >= 0`);
    return v;
  };
}

function atLeastOne(what: string) {
  return (v: number | undefined) => {
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be a whole number >= 1`);
    return v;
  };
}

// A closed pipe, a full disk or a closed terminal behind stdout or stderr costs output, never the process.
makeStdioBestEffort();

const engineOptions = repeatSafe(
  {
    'data-dir': { type: 'string', default: process.env.ESA_DATA_DIR ?? './esa-data', describe: 'all state: configuration, queue, logs, socket' },
    hostname: { type: 'string', describe: 'host name: SMTP banner, prompt, DSN Reporting-MTA (default mail.example.com)' },
    listen: { type: 'string', describe: 'H:P of the listener IncomingMail (default 127.0.0.1:2525)', coerce: hostPort('--listen') },
    accept: { type: 'string', describe: 'comma list of accepted recipient domains (default example.com)', coerce: domainPatterns('--accept') },
    route: { type: 'string', describe: 'H:P of the default SMTP route, ALL -> this host (default 127.0.0.1:2526)', coerce: hostPort('--route') },
    socket: { type: 'string', describe: 'the control socket (default <data-dir>/esa.sock)' },
    'queue-max-messages': { type: 'number', describe: 'queue storage limit in messages (default 1,000,000)', coerce: positiveNumber('--queue-max-messages') },
    'queue-max-mb': { type: 'number', describe: 'queue storage limit in MB (default 10240)', coerce: positiveNumber('--queue-max-mb') },
    'time-scale': { type: 'number', default: 1, describe: 'simulated time runs X times faster than the wall clock', coerce: positiveNumber('--time-scale') },
    'log-rotate-mb': { type: 'number', describe: 'rotate the mail log when it passes this many MB (default 10)', coerce: positiveNumber('--log-rotate-mb') },
    'log-keep': { type: 'number', describe: 'how many rotated mail logs to keep, mail_logs.1 ... (default 5)', coerce: atLeastOne('--log-keep') },
    ssh: { type: 'string', describe: 'also serve the CLI over SSH on H:P (users: userconfig; see docs/ssh.md)', coerce: hostPort('--ssh') },
    gui: {
      type: 'string',
      describe: 'also serve the web GUI on H:P, stored with the configuration ("off" removes it; esa sandbox: 127.0.0.1:8080 by default; see docs/gui.md)',
      coerce: (v: string | undefined) => (v === undefined ? undefined : v.trim().toLowerCase() === 'off' ? null : parseHostPort(v, '--gui')),
    },
    'admin-password': {
      type: 'string',
      describe: 'first start only: the passphrase of the user admin (or env ESA_ADMIN_PASSWORD; else one is generated and printed once)',
    },
  } as const,
  ['accept'],
);

await yargs(hideBin(process.argv))
  .scriptName('esa')
  .usage('$0 <command> [options]')
  .command({
    command: 'start',
    describe: 'run the engine in the foreground (logs to stdout)',
    builder: (y) =>
      y.options({
        ...engineOptions,
        ...repeatSafe({
          cluster: {
            type: 'string',
            describe: 'join the cluster whose configuration lives in this NATS JetStream server, nats://HOST:PORT (or create it); see docs/cluster.md',
          },
        } as const),
      }),
    handler: async (argv) => (await import('./start.js')).runStart(argv as unknown as StartArgs),
  })
  .command({
    command: 'sandbox',
    describe: 'engine + built-in backend mail server + shell in one go (what npm start runs)',
    builder: (y) =>
      y.options({
        ...engineOptions,
        ...repeatSafe({ c: { type: 'string', describe: 'run one line (";" joins commands) in the sandbox, then stop' } } as const),
      }),
    handler: async (argv) => (await import('./sandbox.js')).runSandbox(argv as never),
  })
  .command({
    command: 'shell',
    describe: 'the CLI on a running engine (batch when stdin is not a terminal)',
    builder: (y) =>
      y
        .options(
          repeatSafe({
            'data-dir': {
              type: 'string',
              default: process.env.ESA_DATA_DIR ?? './esa-data',
              describe: "the engine's data dir (its socket is <data-dir>/esa.sock)",
            },
            socket: { type: 'string', describe: 'the control socket (overrides --data-dir)' },
            c: { type: 'string', describe: 'run one line (";" joins commands), questions take their defaults, then exit' },
          } as const),
        )
        .epilog(
          'At a terminal: the Ink shell for a person; the plain line shell (plain text: the transcript only) with ESA_SHELL=readline, ' +
            'with TERM=dumb, on a terminal never given a size, or when a script drives the terminal (it never answers the cursor position ' +
            'request sent with the first prompt). ESA_SHELL=ink forces Ink. docs/shell.md, "Which shell a terminal gets".',
        ),
    handler: async (argv) => {
      const { runShell } = await import('./shell.js');
      await runShell(argv as never);
    },
  })
  .command({
    command: 'backend',
    describe: 'the built-in backend mail server alone',
    builder: (y) =>
      y.options(
        repeatSafe({
          listen: { type: 'string', default: '127.0.0.1:2526', describe: 'H:P to listen on', coerce: hostPort('--listen') },
          store: { type: 'string', describe: 'write received messages as .eml files here' },
        } as const),
      ),
    handler: async (argv) => (await import('./start.js')).runBackend(argv as never),
  })
  .command({
    command: 'bench',
    describe: 'the benchmark: the engine (and Postfix with --vs postfix) against an SMTP sink',
    builder: (y) =>
      y.options(
        repeatSafe({
          messages: { type: 'number', describe: 'messages per run (default 5,000, the standard figures 3,000; --quick 500)' },
          size: { type: 'number', describe: 'message size in bytes (default 2048)' },
          sessions: { type: 'number', describe: 'SMTP sessions reusing their connection (default 20)' },
          'conn-sessions': { type: 'number', describe: 'sessions for one connection per message (default 100)' },
          'paced-rate': {
            type: 'number',
            describe: "the offered rate (msg/s) of the relay scenario's paced run, the latency at equal load; 0 skips it (default 500)",
          },
          runs: { type: 'number', describe: 'runs per figure: the median is shown, with min and max (default 3; --quick 1)' },
          'big-queue': { type: 'number', describe: 'messages for the big-queue figures, 0 skips them (default 100,000; --quick 2,000)' },
          warmup: { type: 'number', describe: 'unmeasured messages first (default 500; --quick 50)' },
          vs: { type: 'string', describe: 'also run the scenarios against a private instance of: postfix' },
          json: { type: 'boolean', describe: 'print the report as JSON' },
          sink: { type: 'string', describe: 'the backend: auto (smtp-sink if installed), smtp-sink, esa' },
          drain: { type: 'string', describe: 'how the drain starts: auto (delivernow if the shell has it), delivernow, host-retry' },
          'time-scale': { type: 'number', describe: "the engine's --time-scale in the down/drain scenario (default 600)" },
          profile: { type: 'string', describe: 'write CPU profiles of the engine (node --cpu-prof) to this folder and summarise them' },
          only: { type: 'string', describe: 'comma list of scenarios: standard, relay, relay-conn, down, bigqueue, queue-admin, tls' },
          quick: { type: 'boolean', describe: 'small counts, one run (under a minute)' },
          scale: {
            type: 'boolean',
            describe: 'appliance scale: the big queue alone, 1,000,000 messages, one run (same as --only bigqueue --big-queue 1000000 --runs 1)',
          },
          seed: { type: 'boolean', describe: "fill the big queue by writing it into the stopped engine's data dir (its own queue code) instead of SMTP" },
          'big-queue-compare': { type: 'number', describe: 'the small queue whose drain rate the big one is held to (default 5,000; --quick 500; 0 skips)' },
          'big-queue-postfix': { type: 'boolean', describe: "run Postfix's big queue even above 100,000 messages" },
          tls: {
            type: 'boolean',
            describe: 'relay with TLS both ways, the engine against Postfix (with Postfix installed), and the TLS handshake cost per connection',
          },
        } as const),
      ),
    handler: async (argv) => {
      const { runBenchCommand } = await import('../bench/command.js');
      await runBenchCommand(argv as never);
    },
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
