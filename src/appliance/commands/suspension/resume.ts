// `resume`: receiving on every listener and all delivery start again.
import type { Command } from '../../kit/command.js';
import { listenerNames, resumeDelivering, resumeReceiving } from './suspension.js';

export const resume: Command = {
  name: 'resume',
  summary: 'Resume receiving and delivery.',
  help: `resume - Resume receiving and delivery.

Resumes every suspended listener and all suspended delivery (including domains suspended
with suspenddel), at once and without questions.

Batch: resume`,
  maxArgs: 0,
  async run(io) {
    await resumeReceiving(io, listenerNames(io));
    await resumeDelivering(io, ['ALL']);
  },
};
