// `findevent`: message tracking over the mail logs — a message's whole story (received, queued,
// each attempt, delivered or bounced, the notices generated for it) found by MID, envelope
// sender, envelope recipient or subject, in every mail log file (rotated ones too), the
// current one, or the ones picked by their start time. The lines are the log's own.
import path from 'node:path';
import { Finder, foundLine, parseFileSelection, Story, type Found, type Search, type SearchKind } from '../../../model/message-tracking.js';
import { parseInteger } from '../../../model/answers.js';
import { printable } from '../../../model/printable.js';
import { eachLine, firstLine } from '../../../platform/log-files.js';
import { CommandError, parsedArg, type Command, type CommandIO } from '../../kit/command.js';
import { askNumbered, askValid } from '../../kit/dialog.js';
import { compileRegexp, regexpRefusal } from './grep.js';
import { askLog } from './log-choice.js';

const FAILURE = 'Unable to track messages';
export const NOT_FOUND = 'No matching message IDs were found.';

const SEARCHES: { kind: SearchKind; label: string }[] = [
  { kind: 'from', label: 'Search by envelope FROM' },
  { kind: 'mid', label: 'Search by Message ID' },
  { kind: 'subject', label: 'Search by Subject' },
  { kind: 'to', label: 'Search by envelope TO' },
];

const LOG_SETS = ['All available log files', 'Select log files by date list', 'Current log file'] as const;

/** The mail log files, oldest first (the engine lists the current one first). */
async function logFiles(io: CommandIO): Promise<string[]> {
  return (await io.engine.mailLogFiles()).reverse();
}

/** The files of a set: all, the current one, or those picked from the list by start time. */
async function askFiles(io: CommandIO): Promise<string[]> {
  const files = await logFiles(io);
  const set = await askNumbered(io, 'Please choose which set of logs to search:', [...LOG_SETS], { defaultIndex: 0 });
  if (set === 2) return files.slice(-1);
  if (set !== 1) return files;
  const starts = await Promise.all(files.map(async (f) => /^(\w{3} \w{3} \d{1,2} \d{2}:\d{2}:\d{2} \d{4})/.exec((await firstLine(f)) ?? '')?.[1] ?? '(empty)'));
  const list = files.map((f, i) => `${i + 1}. ${starts[i]} (${path.basename(f)})`);
  const label = [
    'Available mail log files, listed by log file start time. Specify multiple log files by separating with commas or specify a range with a dash:',
    ...list,
  ].join('\n');
  const picked = await askValid(io, { label, default: String(files.length) }, (a) => parseFileSelection(a, files.length));
  return picked.map((i) => files[i]);
}

async function askSearch(io: CommandIO): Promise<Search> {
  const i = await askNumbered(
    io,
    'Please choose which type of search you want to perform:',
    SEARCHES.map((s) => s.label),
    { defaultIndex: 0 },
  );
  const { kind } = SEARCHES[i ?? 0];
  if (kind === 'mid') {
    return { kind, mid: await askValid(io, { label: 'Enter the Message ID (MID) you want to track.' }, (a) => parseInteger(a, 0, Number.MAX_SAFE_INTEGER)) };
  }
  const what = kind === 'from' ? 'the envelope sender' : kind === 'to' ? 'an envelope recipient' : 'the subject';
  const pattern = await askValid(io, { label: `Enter the regular expression to search for (it is matched against ${what}).` }, (a) => {
    if (a === '') return { error: 'You must enter a regular expression.' };
    const refusal = regexpRefusal(a);
    return refusal === undefined ? { value: compileRegexp(a, true) } : { error: refusal };
  });
  return { kind, pattern };
}

/** The messages a search finds in the files, oldest first. */
async function find(io: CommandIO, search: Search, files: readonly string[]): Promise<Found[]> {
  const finder = new Finder(search);
  await eachLine(files, (line) => finder.line(line), io.signal);
  return [...finder.found.values()];
}

/** Prints the whole story of the messages, line by line as logged. */
async function tell(io: CommandIO, mids: readonly number[], files: readonly string[]): Promise<void> {
  const story = new Story(mids);
  await eachLine(files, (line) => story.learn(line), io.signal);
  const lines: string[] = [];
  await eachLine(files, (line) => (story.keep(line) ? lines.push(line) : undefined), io.signal);
  io.blank();
  io.print(...lines.map(printable));
}

const USAGE = 'use: findevent mid <MID> | from <regexp> | to <regexp> | subject <regexp> [all | current]';

export const findevent: Command = {
  name: 'findevent',
  access: 'look',
  summary: 'Find events in mail log files.',
  help: `findevent - Find events in mail log files.

Message tracking: asks which log (mail_logs), the type of search (1 envelope FROM, 2 Message ID,
3 Subject, 4 envelope TO), the MID or a regular expression (case-insensitive), and which set of
logs to search (1 all available log files, the rotated ones too; 2 selected by their start
time, "1,3" or "1-2"; 3 the current file). One message found: its whole story, every log line
of it in time order — its connection (ICID), receipt, each delivery attempt (its DCID
connection's lines), delivery or bounce, the notices generated for it. Several found: "The
following matching message IDs were found. Please choose one to show additional log
information:" and a list. None: "${NOT_FOUND}"

Batch: ${USAGE.slice(5)}
  (in batch, every message found is shown, one after another)`,
  argWords: () => ['mid', 'from', 'to', 'subject'],
  async run(io, args) {
    if (args.length > 0) {
      const kind = args[0].toLowerCase() as SearchKind;
      const set = args[2]?.toLowerCase();
      if (!SEARCHES.some((s) => s.kind === kind) || args.length < 2 || args.length > 3 || (set !== undefined && set !== 'all' && set !== 'current')) {
        throw new CommandError(`Invalid arguments when processing: findevent ${args.join(' ')} (${USAGE})`);
      }
      const search: Search =
        kind === 'mid' ? { kind, mid: parsedArg(parseInteger(args[1], 0, Number.MAX_SAFE_INTEGER), 'MID') } : { kind, pattern: compileRegexp(args[1], true) };
      const all = await logFiles(io);
      const files = set === 'current' ? all.slice(-1) : all;
      const found = await find(io, search, files);
      if (found.length === 0) throw new CommandError(NOT_FOUND);
      for (const f of found) await tell(io, [f.mid], files);
      return;
    }
    await askLog(io, 'Enter the number of the log you wish to use for message tracking.', FAILURE, { defaultFirst: true });
    const search = await askSearch(io);
    const files = await askFiles(io);
    const found = await find(io, search, files);
    if (found.length === 0) throw new CommandError(NOT_FOUND);
    let chosen = found[0];
    if (found.length > 1) {
      const i = await askNumbered(
        io,
        'The following matching message IDs were found. Please choose one to show additional log information:',
        found.map(foundLine),
        { defaultIndex: 0 },
      );
      chosen = found[i ?? 0];
    }
    await tell(io, [chosen.mid], files);
  },
};
