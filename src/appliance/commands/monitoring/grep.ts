// `grep`: the mail log lines that match a regular expression, from the oldest rotated file
// to the current one; optionally a count, context lines, or following new lines live.
import path from 'node:path';
import { eachLine } from '../../../platform/log-files.js';
import { printable } from '../../../model/printable.js';
import { compileLinePattern, PatternError, type LinePattern } from '../../../platform/linear-regex.js';
import type { Command, CommandIO } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { askText, askYesNo } from '../../kit/dialog.js';
import { endLive, numberArg, untilStopped } from '../../kit/live.js';
import { askLog, logNamed } from './log-choice.js';

const FAILURE = 'Unable to grep';
const USAGE = 'use: grep -e "<regexp>" [-c] [-C <n>] [-f <pattern>] [-i] [-p] [-t] mail_logs, or grep [-i] <regexp> mail_logs';

export interface GrepRequest {
  regexp: string;
  ignoreCase: boolean;
  count: boolean;
  context: number;
  /** Which files, a glob on their names (`*`, `mail_logs.?`). */
  files: string;
  tail: boolean;
}

/**
 * The regexp compiled by the linear-time engine (a pattern cannot stall the engine), or the
 * one-line reason it is refused.
 */
export function compileRegexp(source: string, ignoreCase: boolean): LinePattern {
  try {
    return compileLinePattern(source, ignoreCase);
  } catch (e) {
    if (e instanceof PatternError) throw new CommandError(e.message);
    throw e;
  }
}

/** The dialog's check of a typed regexp: undefined when it compiles, else its one-line reason. */
export function regexpRefusal(source: string): string | undefined {
  try {
    compileLinePattern(source, false);
    return undefined;
  } catch (e) {
    if (e instanceof PatternError) return e.message;
    throw e;
  }
}

function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

/** The batch form's options and words. */
export function parseGrepArgs(args: readonly string[]): GrepRequest & { log: string } {
  const r: GrepRequest = { regexp: '', ignoreCase: false, count: false, context: 0, files: '*', tail: false };
  let regexp: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new CommandError(`Invalid arguments when processing: grep: ${a} needs a value (${USAGE})`);
      return args[++i];
    };
    if (a === '-e') regexp = value();
    else if (a === '-i') r.ignoreCase = true;
    else if (a === '-c') r.count = true;
    else if (a === '-C') r.context = numberArg(value(), 'number of context lines', 0, 1_000);
    else if (a === '-f') r.files = value();
    else if (a === '-p')
      continue; // paginate: the output is not paged (yet); accepted for scripts
    else if (a === '-t') r.tail = true;
    else if (/^-[a-zA-Z]$/.test(a)) throw new CommandError(`Unknown option ${a} (${USAGE})`);
    else words.push(a);
  }
  if (regexp === undefined) regexp = words.shift();
  if (regexp === undefined || words.length !== 1) throw new CommandError(`Invalid arguments when processing: grep ${args.join(' ')} (${USAGE})`);
  return { ...r, regexp, log: words[0] };
}

/** Runs a search and prints it. */
async function search(io: CommandIO, req: GrepRequest): Promise<void> {
  const re = compileRegexp(req.regexp, req.ignoreCase);
  const pattern = globRegExp(req.files);
  // The engine lists the current file first: read the oldest first, so lines come in time order.
  const files = (await io.engine.mailLogFiles()).filter((f) => pattern.test(path.basename(f))).reverse();
  let matches = 0;
  const before: string[] = [];
  let after = 0;
  let lastPrinted = -1;
  let n = 0;
  const out: string[] = [];
  const flush = () => {
    // Lines written before their fields were escaped are shown escaped too.
    if (out.length > 0 && !req.count) io.print(...out.splice(0).map(printable));
  };
  io.blank();
  await eachLine(
    files,
    (line) => {
      n++;
      if (re.test(line)) {
        matches++;
        if (!req.count) {
          if (req.context > 0 && lastPrinted >= 0 && n - before.length - 1 > lastPrinted) out.push('--');
          out.push(...before.splice(0), line);
          if (out.length >= 1_000) flush();
        }
        lastPrinted = n;
        after = req.context;
      } else if (after > 0) {
        after--;
        if (!req.count) out.push(line);
        lastPrinted = n;
      } else if (req.context > 0) {
        before.push(line);
        if (before.length > req.context) before.shift();
      }
    },
    io.signal,
  );
  // Ctrl-C during a long search: what was found so far, then ^C.
  if (io.signal.aborted) {
    flush();
    endLive(io);
    return;
  }
  flush();
  if (req.count) io.print(String(matches));
  else if (matches === 0 && !(req.tail && io.interactive)) throw new CommandError('No results were found');
  if (req.tail && io.interactive) {
    const stop = io.engine.on('log', (line) => {
      if (re.test(line)) io.print(printable(line));
    });
    try {
      await untilStopped(io.signal);
    } finally {
      stop();
    }
    endLive(io);
  }
}

export const grep: Command = {
  name: 'grep',
  access: 'look',
  summary: 'Search for text in a log file.',
  help: `grep - Search for text in a log file.

Asks which log (here only mail_logs), the regular expression, whether the search ignores
case (default Yes), whether to follow the log afterwards (new matching lines until Ctrl-C,
default No), whether to paginate (default No; the output is not paged in this version) and
which files (a pattern on the names: mail_logs is the current file, mail_logs.1 the newest
rotated one...; default * for all). The matching lines are printed oldest first, across the
rotated files. "No results were found" when none match. Regular expressions are RE2's
(JavaScript's less backreferences and lookaround), matched in time linear in the line; a bad
regular expression is one line, "Invalid regular expression: ...".

Batch: grep -e "<regexp>" [-c] [-C <n>] [-f <pattern>] [-i] [-p] [-t] mail_logs
       grep [-i] <regexp> mail_logs
  -c count the matching lines, -C n lines of context, -f file name pattern, -i ignore case,
  -p paginate (accepted, not paged), -t follow new lines (interactive shell only).
  In "...", a backslash escapes only " and \\: grep -e "MID \\d+" mail_logs`,
  argWords: () => ['-e', '-i', '-c', '-C', '-f', '-p', '-t', 'mail_logs'],
  async run(io, args) {
    if (args.length > 0) {
      const req = parseGrepArgs(args);
      logNamed(req.log, FAILURE);
      await search(io, req);
      return;
    }
    await askLog(io, 'Enter the number of the log you wish to grep.', FAILURE);
    const regexp = await askText(io, 'Enter the regular expression to grep.', {
      check: (t) => {
        if (t === '') return 'You must enter a regular expression.';
        return regexpRefusal(t);
      },
    });
    const ignoreCase = await askYesNo(io, 'Do you want this search to be case insensitive?', true);
    const tail = await askYesNo(io, 'Do you want to tail the logs?', false);
    await askYesNo(io, 'Do you want to paginate the output?', false);
    const files = await askText(io, 'Enter the file selection pattern (* for all the files).', { default: '*' });
    await search(io, { regexp, ignoreCase, count: false, context: 0, files, tail });
  },
};
