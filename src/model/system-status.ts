// The one-phrase state of the appliance that `status` and the shell's status line show.
import type { OperationalState } from './config.js';

/** The appliance's states, as `status` prints them. */
export type SystemStatus = 'Online' | 'Receiving suspended' | 'Delivery suspended' | 'Receiving and delivery suspended';

/** Any suspended listener counts as receiving suspended; any suspended domain as delivery suspended. */
export function systemStatus(op: OperationalState): SystemStatus {
  const receiving = op.suspendedListeners.length > 0;
  const delivery = op.deliverySuspended || op.suspendedDomains.length > 0;
  if (receiving && delivery) return 'Receiving and delivery suspended';
  if (receiving) return 'Receiving suspended';
  if (delivery) return 'Delivery suspended';
  return 'Online';
}
