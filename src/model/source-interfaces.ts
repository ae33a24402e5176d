// The interfaces the appliance can connect from (telnet, deliveryconfig): `Auto` (the system
// chooses), the loopback, and each address a listener is bound to that is one address. Pure.
import type { ApplianceConfig } from './config.js';
import { interfaceName } from './tables/listeners.js';

export interface SourceInterface {
  /** As listed: `Auto`, `Loopback (127.0.0.1)`. */
  label: string;
  /** The address connections leave from; undefined for Auto. */
  address?: string;
}

export const AUTO_INTERFACE: SourceInterface = { label: 'Auto' };

export function sourceInterfaces(config: Pick<ApplianceConfig, 'listeners'>): SourceInterface[] {
  const addresses = ['127.0.0.1', ...config.listeners.map((l) => l.host)].filter((a) => a !== '0.0.0.0' && a !== '::');
  return [AUTO_INTERFACE, ...[...new Set(addresses)].map((address) => ({ label: `${interfaceName(address)} (${address})`, address }))];
}

/** The interface a stored name (`Auto`, or an address) stands for; Auto when it is no longer one. */
export function sourceInterface(config: Pick<ApplianceConfig, 'listeners'>, stored: string | undefined): SourceInterface {
  return sourceInterfaces(config).find((i) => i.address === stored) ?? AUTO_INTERFACE;
}
