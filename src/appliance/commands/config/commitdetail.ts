// `commitdetail`: when the last commit was made, with its comment and changes.
import { formatApplianceDate } from '../../../model/format-date.js';
import { printable } from '../../../model/printable.js';
import type { Command } from '../../kit/command.js';
import { field } from '../../kit/report-field.js';

export const commitdetail: Command = {
  name: 'commitdetail',
  access: 'look',
  summary: 'Display details about the last commit.',
  help: `commitdetail - Display details about the last commit.

Batch: commitdetail`,
  maxArgs: 0,
  async run(io) {
    const last = io.engine.config().commits.at(-1);
    if (!last) {
      io.print('No changes have been committed.');
      return;
    }
    io.print(
      `${field('Last commit:')}${formatApplianceDate(last.at)} UTC`,
      `${field('Comment:')}${printable(last.comment) || '(none)'}`,
      'Changes:',
      ...last.changes.map((c, i) => `${i + 1}. ${printable(c)}`),
    );
  },
};
