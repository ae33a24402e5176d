// `listenerconfig`: list, create, edit and delete listeners (a configuration command: changes go
// to the session's pending copy until `commit`, which rebinds the running listeners at once).
// Declared on the command kit; the table's rules and operations are src/model/tables/listeners.ts
// (with host-access.ts, recipient-access.ts and listener-settings.ts).
import { parseHostPort, type ApplianceConfig, type ListenerConfig } from '../../../model/config.js';
import { hatLines } from '../../../model/tables/host-access.js';
import { editSettings, settingValue, withSettings, invalidValue } from '../../../model/tables/listener-settings.js';
import { addressField, createListener, deleteListener, findListener, newListener } from '../../../model/tables/listeners.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, UsageError } from '../../kit/config-command.js';
import { deleteDialog, editDialog, listLines, newDialog } from './listenerconfig-dialog.js';
import { hatTablePrint } from './listenerconfig-hat.js';
import { rcptAccessBatch } from './listenerconfig-rat.js';

const hasListeners = (config: ApplianceConfig) => config.listeners.length > 0;

/** A listener named in a batch form. */
function namedListener(config: ApplianceConfig, name: string | undefined): ListenerConfig {
  if (!name) throw new UsageError();
  const lc = findListener(config, name);
  if (!lc) throw new CommandError(`There is no listener named "${name}".`);
  return lc;
}

function batchNew(io: CommandIO, [name, address, ...settings]: string[]): void {
  if (!name || !address) throw new UsageError();
  let hp: { host: string; port: number };
  try {
    hp = parseHostPort(address, 'The listener address');
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
  const lc = withSettings(
    newListener(name, settingValue('interface', addressField.parse(hp.host)), hp.port),
    parseAssignments(settings),
    io.pending.config,
    true,
  );
  if (lc.name !== name) invalidValue('name', 'the name is the first argument of "new".');
  if (lc.type === 'Private' && lc.relayHosts.length === 0) lc.relayHosts = ['127.0.0.1'];
  io.pending.record(createListener(lc));
  io.print(`Listener ${name} created.`);
}

function batchEdit(io: CommandIO, [name, ...settings]: string[]): void {
  const lc = namedListener(io.pending.config, name);
  const sub = (settings[0] ?? '').toLowerCase();
  if (sub === 'rcptaccess') return rcptAccessBatch(io, lc, settings.slice(1));
  if (sub === 'hostaccess') {
    if ((settings[1] ?? '').toLowerCase() !== 'print') throw new CommandError('Usage: listenerconfig edit <name> hostaccess print');
    io.print(...hatLines(lc), '', ...hatTablePrint(lc));
    return;
  }
  if (settings.length === 0) throw new CommandError('Nothing to change: give key=value settings.');
  io.pending.record(editSettings(lc.name, parseAssignments(settings)));
  io.print(io.pending.lastChange!);
}

export const listenerconfig = configCommand({
  name: 'listenerconfig',
  summary: 'Configure mail listeners.',
  about: `Lists the listeners ("1. IncomingMail (on Loopback, 127.0.0.1) SMTP TCP Port 2525 Public"),
then NEW / EDIT / DELETE (an empty answer leaves).
NEW asks the type (Public: accepts mail for the domains of its Recipient Access Table;
Private: relays mail for any recipient, from its relay hosts only), a name, the IP
interface (or an address), the TCP port (0: the system picks a free one), the domains to
accept mail for (Public) or the hosts allowed to relay (Private), the bounce profile and,
if wanted, the default host access policy.
EDIT picks a listener by number or name, then:
  NAME          rename it (it keeps its socket and its suspension)
  INTERFACE     address and TCP port
  LIMITS        maximum concurrent connections, TCP listen queue size (kept, not applied)
  HOSTACCESS    DEFAULT: maximum message size, concurrent connections from one IP address,
                messages per connection, recipients per message, SMTP banner hostname,
                custom SMTP acceptance (banner) and rejection responses, TLS (No: STARTTLS
                not offered; Preferred: offered; Required: offered, and MAIL before it is
                refused "530 5.7.0 Must issue a STARTTLS command first"); PRINT
  RCPTACCESS    the Recipient Access Table: NEW / EDIT / DELETE / PRINT / CLEAR,
                ACCEPT or REJECT per address, a custom SMTP response for REJECT
  BOUNCECONFIG  the bounce profile of the mail it accepts (or a New Profile)
  CERTIFICATE   the certificate STARTTLS presents (certconfig's; the demo one by default)
DELETE removes a listener without confirmation. Changes take effect with "commit": a new
or moved listener is bound at once (if the port cannot be bound, the commit fails and
nothing changes); a deleted listener stops accepting, the mail it accepted stays queued.`,
  batchNotes: [
    'keys: name, interface, port, bounce_profile, max_connections, listen_queue (LIMITS);',
    'max_size (10M, 512k or bytes), max_conn (from one IP address), max_msgs (per connection),',
    'max_rcpt (per message), override (banner hostname, or "no"), cust_acc / acc_code (custom',
    'SMTP banner text and code, 2xx; cust_acc=no removes it), cust_rej / rej_code (rejection',
    "response, 4xx/5xx; a Private listener's answer to hosts it does not relay for), relay,",
    'tls (off, preferred or required), certificate (a certconfig name),',
    'rate_lim (recipients per hour from one host, or no), dhap (invalid recipients per hour from',
    'one host, then the connection is dropped; or no), use_sb (yes/no, stored), sig_bits (0-32 or no, stored).',
    'Example: listenerconfig new Outbound 127.0.0.1:2587 type=private relay=10.0.0.0/8',
  ],
  banner: (io) => listLines(io),
  operations: [
    {
      word: 'LIST',
      description: 'List the listeners.',
      batch: {
        usage: ['list'],
        run(io) {
          io.print(...listLines(io));
        },
      },
    },
    {
      word: 'NEW',
      description: 'Create a new listener.',
      dialog: newDialog,
      batch: {
        usage: ['new <name> <address:port> [type=public|private] [accept=<a>,<b>]\n[relay=<ip|cidr|ALL>,...] [key=value ...]'],
        run: batchNew,
      },
    },
    {
      word: 'EDIT',
      description: 'Modify a listener.',
      offered: hasListeners,
      dialog: editDialog,
      batch: {
        usage: [
          'edit <name> key=value ...',
          'edit <name> rcptaccess add <address>[,<address>] accept|reject [<code> "<text>"]',
          'edit <name> rcptaccess delete <address>',
          'edit <name> rcptaccess clear accept|reject',
          'edit <name> rcptaccess print',
          'edit <name> hostaccess print',
        ],
        run: batchEdit,
      },
    },
    {
      word: 'DELETE',
      description: 'Remove a listener.',
      offered: hasListeners,
      dialog: deleteDialog,
      batch: {
        usage: ['delete <name>'],
        changes: true,
        run(io, [name, ...rest]) {
          const lc = namedListener(io.pending.config, name);
          if (rest.length) throw new UsageError();
          io.pending.record(deleteListener(lc.name));
        },
      },
    },
  ],
  unmodelled: {
    words: ['SETUP', 'CLUSTERSET', 'CLUSTERSHOW'],
    why: (w) => `${w} is not simulated: global listener settings are fixed here.`,
  },
});
