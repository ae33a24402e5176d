// `workqueue`: the work queue between receiving and delivery — its status, pausing the hand-off
// of received messages to delivery (and resuming it), and its rate; resource conservation
// suspends receiving while it holds its limit. Declared on the command kit (menu, batch, help).
import type { WorkQueueView } from '../../../api/engine-api.js';
import { formatApplianceDate } from '../../../model/format-date.js';
import { workQueueState } from '../../../model/work-queue.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { configCommand, UsageError } from '../../kit/config-command.js';
import { askInteger, askText, askYesNo } from '../../kit/dialog.js';
import { numberArg } from '../../kit/live.js';
import { field } from '../../kit/report-field.js';
import { MAX_SECONDS, rowsOf, streamRows } from '../monitoring/rate.js';
import { clockTime } from '../monitoring/rate-table.js';

export const PAUSE_QUESTION = 'Manually pause work queue? This will only affect unprocessed messages.';
export const REASON_QUESTION = 'Reason for pausing work queue:';

/** The status lines (`Status:` and `Messages:` next to each other: scripts read them together). */
export function workQueueLines(view: WorkQueueView, now: number): string[] {
  const lines = [
    `${field('Status as of:')}${formatApplianceDate(now)} UTC`,
    `${field('Status:')}${workQueueState(view.paused)}`,
    `${field('Messages:')}${view.messages}`,
  ];
  if (view.conserving) {
    lines.push(
      `${field('Receiving:')}suspended by resource conservation: the work queue holds ${view.limit} or more (it resumes below ${Math.floor(view.limit / 2)})`,
    );
  }
  return lines;
}

interface WorkQueueSample {
  now: number;
  messages: number;
  entered: number;
  left: number;
}

const sample = (io: CommandIO): WorkQueueSample => ({ now: io.engine.now(), ...io.engine.workQueue() });

export const RATE_TITLES = [' Time        Pending        In       Out'];

/** A rate row: the time, the messages in the work queue, those that entered and left it since the previous row. */
export function workQueueRateRow(cur: WorkQueueSample, prev: WorkQueueSample | undefined): string {
  const base = prev ?? cur;
  return `${clockTime(cur.now)}${String(cur.messages).padStart(13)}${String(cur.entered - base.entered).padStart(10)}${String(cur.left - base.left).padStart(10)}`;
}

/** The rows until Ctrl-C (or `rows` of them): Ctrl-C ends the rows, not the command (its menu comes back). */
async function rate(io: CommandIO, seconds: number, rows: number | undefined): Promise<void> {
  await io.interruptible((signal) => streamRows({ ...io, signal }, seconds, rows, RATE_TITLES, () => sample(io), workQueueRateRow));
}

async function pause(io: CommandIO, reason: string): Promise<void> {
  if (io.engine.workQueue().paused) throw new CommandError('The work queue is already paused.');
  await io.engine.pauseWorkQueue(reason);
}

const isPaused = (io: CommandIO) => io.engine.workQueue().paused !== undefined;

export const workqueue = configCommand({
  name: 'workqueue',
  summary: 'Display and/or alter work queue pause status.',
  about: `The work queue holds a received message from its 250 until it is handed to delivery. Shows
its status — "Status:" Operational, or Paused by admin: <reason>, and "Messages:" (received, not
yet handed to delivery) — then the menu: STATUS shows it again; PAUSE asks "${PAUSE_QUESTION}"
and a reason, then holds every message received from then on (listeners keep accepting mail;
what was queued before is delivered as usual); RESUME (offered while paused) hands the held
messages to delivery in the order they came; RATE asks the seconds between rows (default 5)
and prints one row each time — the time, the messages in the work queue, those that entered and
left it since the previous row (plain digits) — until Ctrl-C (^C), then the menu again. The
pause survives a restart. Resource conservation: while the work queue holds its limit of
messages (10,000 unless config.json's workQueueLimit says otherwise), receiving is suspended
(new connections get the 421 of a suspended listener) until it is below half of that.
The mail log says "work queue paused, N msgs, <reason>" and "work queue resumed, N msgs".`,
  access: 'act',
  banner: (io) => workQueueLines(io.engine.workQueue(), io.engine.now()),
  operations: [
    {
      word: 'STATUS',
      description: 'Display work queue status',
      async dialog(io) {
        io.blank();
        io.print(...workQueueLines(io.engine.workQueue(), io.engine.now()));
        return 'listed';
      },
      batch: {
        usage: ['status'],
        run(io, args) {
          if (args.length > 0) throw new UsageError();
          io.print(...workQueueLines(io.engine.workQueue(), io.engine.now()));
        },
      },
    },
    {
      word: 'PAUSE',
      description: 'Pause the work queue',
      offered: (_config, io) => !isPaused(io),
      async dialog(io) {
        if (!(await askYesNo(io, PAUSE_QUESTION, false))) return;
        await pause(io, await askText(io, REASON_QUESTION));
      },
      batch: {
        usage: ['pause [reason]'],
        async run(io, args) {
          await pause(io, args.join(' '));
          io.print(...workQueueLines(io.engine.workQueue(), io.engine.now()));
        },
      },
    },
    {
      word: 'RESUME',
      description: 'Resume the work queue',
      offered: (_config, io) => isPaused(io),
      async dialog(io) {
        await io.engine.resumeWorkQueue();
      },
      batch: {
        usage: ['resume'],
        async run(io, args) {
          if (args.length > 0) throw new UsageError();
          if (!isPaused(io)) throw new CommandError('The work queue is not paused.');
          const n = await io.engine.resumeWorkQueue();
          io.print(`Work queue resumed: ${n} message(s) handed to delivery.`);
        },
      },
    },
    {
      word: 'RATE',
      description: 'Display work queue statistics over time',
      async dialog(io) {
        const seconds = await askInteger(io, 'Enter the number of seconds between displays.', { min: 1, max: MAX_SECONDS, default: 5 });
        await rate(io, seconds, rowsOf(io, undefined));
      },
      batch: {
        usage: ['rate [seconds] [count]  (count rows; without it: until Ctrl-C in the interactive shell, one row in batch)'],
        async run(io, args) {
          if (args.length > 2) throw new UsageError();
          const seconds = args[0] === undefined ? 5 : numberArg(args[0], 'number of seconds', 1, MAX_SECONDS);
          await rate(io, seconds, rowsOf(io, args[1]));
        },
      },
    },
  ],
});
