// One grammar for answers (src/model/answers.ts), shown on real sessions: the same answer
// is accepted or refused alike at every question of its kind, in every dialog and batch form.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ControlClient, type ShellTerminal } from '../../cli/client.js';
import type { AskParams, AskResult } from '../../src/appliance/control/protocol.js';
import { oneLine, startCliEngine, type CliEngine } from './cli-harness.js';

let cli: CliEngine;

before(async () => {
  cli = await startCliEngine();
});

after(async () => {
  await cli.stop();
});

/** A question of some dialog: how to reach it, and which question it is. */
interface Question {
  name: string;
  /** Run first in the same session (pending changes the dialog needs). */
  setup?: string;
  command: string;
  /** Answers before the question; any further question before it takes its default. */
  answers?: string[];
  at: RegExp;
}

type Verdict = 'accepted' | { refused: string };

/** A terminal that walks a dialog to one question, answers it, and reports what came next. */
class ProbeTerminal implements ShellTerminal {
  text = '';
  verdict: Verdict | undefined;
  #reached = false;
  #mark = 0;
  constructor(
    private readonly q: Question,
    private readonly answer: string,
    private readonly answers = [...(q.answers ?? [])],
  ) {}
  print(t: string): void {
    this.text += t;
  }
  async ask(p: AskParams): Promise<AskResult> {
    if (!this.#reached) {
      if (!this.q.at.test(p.label)) return { answer: this.answers.shift() ?? '' };
      this.#reached = true;
      this.#mark = this.text.length;
      return { answer: this.answer };
    }
    // The question asked after the answer: the same one again means it was refused.
    const refused = this.q.at.test(p.label) && p.attempt > 1;
    this.verdict = refused ? { refused: this.text.slice(this.#mark).trim() } : 'accepted';
    return { interrupt: true }; // leave the dialog: nothing of it is kept
  }
}

/** The answer given at the question, in a session of its own. */
async function verdictAt(q: Question, answer: string): Promise<Verdict> {
  const terminal = new ProbeTerminal(q, answer);
  const client = await ControlClient.connect(cli.socket, terminal);
  try {
    await client.hello({ client: 'test' });
    if (q.setup) assert.equal((await client.run(q.setup)).ok, true, terminal.text);
    await client.run(q.command);
    // A question that ends its command when accepted asks nothing more.
    return terminal.verdict ?? 'accepted';
  } finally {
    client.close();
  }
}

const PENDING = 'bounceconfig new Pending';

const INTEGER_QUESTIONS: (Question & { range: string })[] = [
  { name: 'bounceconfig retries', command: 'bounceconfig', answers: ['new', 'P'], at: /maximum number of retries/, range: '0 to 10,000' },
  { name: 'bounceconfig queue lifetime', command: 'bounceconfig', answers: ['new', 'P'], at: /stay in the queue/, range: '0 to 3,000,000' },
  { name: 'suspenddel delay', command: 'suspenddel', at: /seconds to wait before abruptly closing/, range: '0 to 3,600' },
  { name: 'suspendlistener delay', command: 'suspendlistener', answers: ['IncomingMail'], at: /seconds to wait before abruptly closing/, range: '0 to 3,600' },
];

const CHOICE_QUESTIONS: Question[] = [
  { name: 'tophosts sort column', command: 'tophosts', at: /Sort results by/ },
  { name: 'bounceconfig profile to edit', command: 'bounceconfig', answers: ['edit'], at: /the profile to edit/ },
];

const YES_NO_QUESTIONS: Question[] = [
  { name: 'bounceconfig: send bounces?', command: 'bounceconfig', answers: ['new', 'P'], at: /message sent for each hard bounce/ },
  { name: 'bounceconfig: alternate address?', command: 'bounceconfig', answers: ['new', 'P'], at: /alternate address/ },
  { name: 'bounceconfig: DELETE confirmation', setup: PENDING, command: 'bounceconfig', answers: ['delete', 'Pending'], at: /Are you sure you want to delete/ },
  { name: 'clearchanges confirmation', setup: PENDING, command: 'clearchanges', at: /clear all changes/ },
  { name: 'quit confirmation', setup: PENDING, command: 'quit', at: /Are you sure you wish to exit/ },
  { name: 'bounceconfig SETUP', command: 'bounceconfig', answers: ['setup'], at: /bounce all enqueued messages bound for a domain/ },
];

test("1,0000 is refused at every integer and every choice question, with the question kind's reason", async () => {
  for (const q of INTEGER_QUESTIONS) {
    assert.deepEqual(await verdictAt(q, '1,0000'), { refused: `Value must be an integer from ${q.range}.` }, q.name);
  }
  for (const q of CHOICE_QUESTIONS) assert.deepEqual(await verdictAt(q, '1,0000'), { refused: 'Unknown option.' }, q.name);
});

test('thousands separators: 1,000 means 1000 at every integer and choice question', async () => {
  for (const q of [...INTEGER_QUESTIONS, ...CHOICE_QUESTIONS]) {
    assert.deepEqual(await verdictAt(q, '1,000'), await verdictAt(q, '1000'), q.name);
  }
  assert.equal(await verdictAt(INTEGER_QUESTIONS[0], '1,000'), 'accepted');
  assert.equal(await verdictAt(INTEGER_QUESTIONS[2], '1,000'), 'accepted');
  for (const q of INTEGER_QUESTIONS) assert.deepEqual(await verdictAt(q, '1,00'), { refused: `Value must be an integer from ${q.range}.` }, q.name);
});

test('the batch forms read numbers with the same grammar', async () => {
  for (const line of ['bounceconfig new B max_retries=1,0000', 'suspenddel ALL 1,0000', 'suspend 1,0000', 'tophosts 1,0000']) {
    const r = await oneLine(cli.socket, line);
    assert.equal(r.code, 1, line);
  }
  assert.match((await oneLine(cli.socket, 'bounceconfig new B max_retries=1,0000')).stdout, /max_retries: Value must be an integer from 0 to 10,000\./);
  assert.match((await oneLine(cli.socket, 'suspend 1,0000')).stdout, /Delay: Value must be an integer from 0 to 3,600\./);
  const made = await oneLine(cli.socket, 'bounceconfig new B max_retries=1,000; showchanges');
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Created bounce profile "B"\./);
});

test('yes/no: the same words are a yes, a no or refused at every yes/no question', async () => {
  const expected: Record<string, Verdict> = {
    y: 'accepted',
    YES: 'accepted',
    yes: 'accepted',
    n: 'accepted',
    No: 'accepted',
    on: { refused: 'Please answer Yes or No.' },
    true: { refused: 'Please answer Yes or No.' },
    off: { refused: 'Please answer Yes or No.' },
    '1': { refused: 'Please answer Yes or No.' },
  };
  for (const [word, verdict] of Object.entries(expected)) {
    for (const q of YES_NO_QUESTIONS) assert.deepEqual(await verdictAt(q, word), verdict, `${word} at ${q.name}`);
  }
});

test('yes/no in the batch forms: the same words', async () => {
  for (const word of ['on', 'true', '1']) {
    const set = await oneLine(cli.socket, `bounceconfig new B send_bounces=${word}`);
    assert.equal(set.code, 1, word);
    assert.match(set.stdout, /send_bounces: Please answer Yes or No\./);
    const clear = await oneLine(cli.socket, `${PENDING}; clearchanges ${word}`);
    assert.equal(clear.code, 1, word);
    assert.match(clear.stdout, /Please answer Yes or No\./);
  }
  const yes = await oneLine(cli.socket, `bounceconfig new B send_bounces=YES; clearchanges Y; showchanges`);
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, /Changes cleared:/);
  const no = await oneLine(cli.socket, `${PENDING}; clearchanges no; showchanges`);
  assert.equal(no.code, 0, no.stderr);
  assert.match(no.stdout, /'bounceProfiles\.Pending'/, 'no keeps the changes');
});

test('the inherit word D / Default: taken where a profile inherits, refused elsewhere', async () => {
  const slow = 'bounceconfig new Slow max_retries=5';
  const inheriting: Question[] = [
    { name: 'Slow: retries', setup: slow, command: 'bounceconfig', answers: ['edit', 'Slow'], at: /maximum number of retries/ },
    { name: 'Slow: send bounces?', setup: slow, command: 'bounceconfig', answers: ['edit', 'Slow'], at: /message sent for each hard bounce/ },
    { name: 'Slow: alternate address?', setup: slow, command: 'bounceconfig', answers: ['edit', 'Slow'], at: /alternate address/ },
  ];
  for (const word of ['D', 'default', 'DEFAULT']) {
    for (const q of inheriting) assert.equal(await verdictAt(q, word), 'accepted', `${word} at ${q.name}`);
  }
  const notInheriting: Question[] = [
    { name: 'Default: send bounces?', command: 'bounceconfig', answers: ['edit', 'Default'], at: /message sent for each hard bounce/ },
    ...YES_NO_QUESTIONS.slice(2),
  ];
  for (const q of notInheriting) assert.deepEqual(await verdictAt(q, 'D'), { refused: 'Please answer Yes or No.' }, q.name);
  const batch = await oneLine(cli.socket, `${slow}; bounceconfig edit Slow max_retries=D send_bounces=d; showchanges`);
  assert.equal(batch.code, 0, batch.stderr);
  assert.match(batch.stdout, /Edited bounce profile "Slow": max_retries 5 -> Default\./);
});
