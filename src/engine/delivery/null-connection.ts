// The "connection" of a `/dev/null` SMTP route: every transaction succeeds and the message
// goes nowhere, as the appliance drops such mail as delivered. No socket is opened.
import type { HostPort } from '../../model/config.js';
import type { TransactionOutcome } from './outcome.js';
import type { DeliveryConnection } from './workers.js';

export const DEV_NULL_REPLY = '250 2.0.0 Delivered to /dev/null';

export class NullConnection implements DeliveryConnection {
  readonly target: HostPort = { host: '/dev/null', port: 0 };
  #open = true;

  get alive(): boolean {
    return this.#open;
  }

  async send(_from: string, to: string[]): Promise<TransactionOutcome> {
    return { recipients: new Map(to.map((a) => [a.toLowerCase(), { kind: 'delivered', reply: DEV_NULL_REPLY }])), connectionLost: false };
  }

  async reset(): Promise<boolean> {
    return this.#open;
  }

  abort(): void {
    this.#open = false;
  }

  close(): void {
    this.#open = false;
  }
}
