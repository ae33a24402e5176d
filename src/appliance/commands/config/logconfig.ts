// `logconfig`: the log subscriptions; here the mail log's — its rollover size and how many
// rolled-over files are kept (which the mail log honours), its level and retrieval (stored and
// shown; manual download only). Declared on the command kit; the table is
// src/model/tables/log-subscriptions.ts. Needs commit.
import {
  checkLogName,
  editMailLog,
  LOG_LEVELS,
  MAIL_LOG_KEYS,
  MAIL_LOG_NAME,
  mailLogListItem,
  mailLogSettings,
  mailLogValues,
  maxFileSizeField,
  maxFilesField,
  RETRIEVAL_METHODS,
  RETRIEVAL_REFUSAL,
} from '../../../model/tables/log-subscriptions.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, recordIf, UsageError } from '../../kit/config-command.js';
import { askNumbered, askText } from '../../kit/dialog.js';
import { askField } from '../../kit/setting.js';

const listing = () => ['Currently configured logs:', `1. ${mailLogListItem}`];

async function editDialog(io: CommandIO): Promise<void> {
  const picked = await askNumbered(io, [...listing().slice(1), 'Enter the number of the log you wish to edit.'].join('\n'), [MAIL_LOG_NAME], {
    showList: false,
  });
  if (picked === undefined) return;
  const before = mailLogValues(io.pending.config);
  await askText(io, 'Please enter the name for the log:', { default: MAIL_LOG_NAME, check: checkLogName });
  const levelIndex = await askNumbered(io, 'Log level:', LOG_LEVELS, { defaultIndex: LOG_LEVELS.indexOf(before.level) });
  await askNumbered(io, 'Choose the method to retrieve the logs.', RETRIEVAL_METHODS, {
    defaultIndex: 0,
    refuse: (i) => (i === 0 ? undefined : RETRIEVAL_REFUSAL),
  });
  const maxFileSize = await askField(io, maxFileSizeField, 'Please enter the maximum file size:', before.maxFileSize);
  const maxFiles = await askField(io, maxFilesField, 'Please enter the maximum number of files:', before.maxFiles);
  recordIf(io, editMailLog(before, { maxFileSize, maxFiles, level: LOG_LEVELS[levelIndex ?? LOG_LEVELS.indexOf(before.level)] }));
}

const NOT_SIMULATED = {
  words: ['NEW', 'DELETE', 'SETUP', 'LOGHEADERS', 'HOSTKEYCONFIG'],
  why: (w: string) => `${w}: only the mail log subscription (${MAIL_LOG_NAME}) is simulated; EDIT changes its rollover.`,
};

export const logconfig = configCommand({
  name: 'logconfig',
  summary: 'Configure access to log files.',
  about: `Lists the log subscriptions ("Currently configured logs:"; here the mail log,
${MAIL_LOG_NAME}), then the menu; Enter leaves. EDIT asks which log, its name (it stays
${MAIL_LOG_NAME}), "Log level:" (stored and shown: every event is logged), the retrieval
method (manual download only: the files are in the data dir's logs/), "Please enter the
maximum file size:" (the file is rolled over when it passes it: 100k to 10G, with k, M or G;
default 10M) and "Please enter the maximum number of files:" (rolled-over files kept:
mail_logs.1 ...; default 5). Needs commit; the mail log follows at once after it.
rollovernow rolls the file over on demand.`,
  banner: () => listing(),
  unmodelled: NOT_SIMULATED,
  operations: [
    {
      word: 'EDIT',
      description: 'Modify a log subscription.',
      dialog: editDialog,
      batch: {
        usage: [`edit ${MAIL_LOG_NAME} key=value ...   (keys: ${MAIL_LOG_KEYS.join(', ')})`],
        changes: true,
        laterWords: (_io, before) => (before.length === 0 ? [MAIL_LOG_NAME] : MAIL_LOG_KEYS.map((k) => `${k}=`)),
        run(io, [name, ...settings]) {
          if (!name || settings.length === 0) throw new UsageError();
          const refusal = checkLogName(name);
          if (refusal) throw new CommandError(`No log subscription named "${name}": the one here is ${MAIL_LOG_NAME}.`);
          const before = mailLogValues(io.pending.config);
          recordIf(io, editMailLog(before, mailLogSettings(before, parseAssignments(settings))));
        },
      },
    },
    {
      word: 'PRINT',
      description: 'Display the log subscriptions and their settings.',
      batch: {
        usage: ['print'],
        run(io, args) {
          if (args.length > 0) throw new UsageError();
          const v = mailLogValues(io.pending.config);
          io.print(
            ...listing(),
            '',
            `${MAIL_LOG_NAME}: rolled over at ${maxFileSizeField.format(v.maxFileSize)}, ${v.maxFiles} rolled-over file(s) kept, log level ${v.level}.`,
          );
        },
      },
    },
  ],
});
