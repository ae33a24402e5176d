// `deliveryconfig`: the global delivery settings — the system-wide limit of outbound connections
// (delivery honours it), the interface delivery connects from, "Possible Delivery" and the TLS
// share of the concurrency (stored and shown). Declared on the command kit; the table is
// src/model/tables/delivery-settings.ts. Needs commit.
import { sourceInterface, sourceInterfaces } from '../../../model/source-interfaces.js';
import {
  DELIVERY_KEYS,
  deliveryLines,
  deliverySettings,
  deliveryValues,
  maxConcurrencyField,
  maxTlsConcurrencyField,
  setDelivery,
} from '../../../model/tables/delivery-settings.js';
import type { ApplianceConfig } from '../../../model/config.js';
import type { CommandIO } from '../../kit/command.js';
import { parseAssignments } from '../../kit/command-line.js';
import { configCommand, recordIf, UsageError } from '../../kit/config-command.js';
import { askNumbered, askYesNo } from '../../kit/dialog.js';
import { askField } from '../../kit/setting.js';

const lines = (config: ApplianceConfig) => {
  const v = deliveryValues(config);
  return deliveryLines(v, sourceInterface(config, v.interface === 'Auto' ? undefined : v.interface).label);
};

/** An interface as typed in a batch form: `Auto`, its label or its address. */
function interfaceOf(config: ApplianceConfig, text: string): string | undefined {
  const t = text.trim().toLowerCase();
  const found = sourceInterfaces(config).find((i) => i.label.toLowerCase() === t || i.address === t || (i.address === undefined && t === 'auto'));
  return found ? (found.address ?? 'Auto') : undefined;
}

async function setupDialog(io: CommandIO): Promise<void> {
  const config = io.pending.config;
  const before = deliveryValues(config);
  const interfaces = sourceInterfaces(config);
  const current = Math.max(
    0,
    interfaces.findIndex((i) => (i.address ?? 'Auto') === before.interface),
  );
  const picked = await askNumbered(
    io,
    'Choose the default interface to deliver mail.',
    interfaces.map((i) => i.label),
    { defaultIndex: current },
  );
  const possibleDelivery = await askYesNo(io, 'Enable "Possible Delivery" (recommended)?', before.possibleDelivery);
  const maxConcurrency = await askField(
    io,
    maxConcurrencyField,
    'Please enter the default system wide maximum outbound message delivery concurrency.',
    before.maxConcurrency,
  );
  const maxTlsConcurrency = await askField(
    io,
    maxTlsConcurrencyField(maxConcurrency),
    'Please enter the default system wide TLS maximum outbound message delivery concurrency.',
    Math.min(before.maxTlsConcurrency, maxConcurrency),
  );
  const connectWithoutTls = await askYesNo(
    io,
    'Do you want to attempt to connect without TLS when the TLS concurrency limit is reached?',
    before.connectWithoutTls,
  );
  const chosen = interfaces[picked ?? current];
  recordIf(io, setDelivery(before, { interface: chosen.address ?? 'Auto', possibleDelivery, maxConcurrency, maxTlsConcurrency, connectWithoutTls }));
}

export const deliveryconfig = configCommand({
  name: 'deliveryconfig',
  summary: 'Edit mail delivery configuration.',
  about: `Shows the global delivery settings, then the menu; Enter leaves. SETUP asks "Choose the
default interface to deliver mail." (Auto, or an address of this appliance), "Enable
"Possible Delivery" (recommended)?", the default system wide maximum outbound message
delivery concurrency (1 to 10,000, default 10,000: delivery opens at most that many
connections at once over all destinations; per destination, destconfig limits them further),
the system wide TLS maximum outbound message delivery concurrency (at most the former) and
whether to connect without TLS when that limit is reached. Delivery honours the system-wide
concurrency; the interface, "Possible Delivery" and the TLS settings are stored and shown.
Needs commit.`,
  banner: (io) => lines(io.pending.config),
  operations: [
    {
      word: 'SETUP',
      description: 'Configure mail delivery.',
      dialog: setupDialog,
      batch: {
        usage: [`setup key=value ...   (keys: ${DELIVERY_KEYS.join(', ')})`],
        changes: true,
        laterWords: () => DELIVERY_KEYS.map((k) => `${k}=`),
        run(io, settings) {
          if (settings.length === 0) throw new UsageError();
          const config = io.pending.config;
          const before = deliveryValues(config);
          recordIf(
            io,
            setDelivery(
              before,
              deliverySettings(before, parseAssignments(settings), (t) => interfaceOf(config, t)),
            ),
          );
        },
      },
    },
    {
      word: 'PRINT',
      description: 'Display the delivery settings.',
      batch: {
        usage: ['print'],
        run(io, args) {
          if (args.length > 0) throw new UsageError();
          io.print(...lines(io.pending.config));
        },
      },
    },
  ],
});
