// Reverse DNS names of client addresses, for `topin`: looked up together, each given a short
// time; an address without a name (or whose lookup is slow) is left out.
import { reverse } from 'node:dns/promises';

/** How long one lookup may take before its address counts as having no name. */
export const REVERSE_LOOKUP_MS = 1_000;

/** The first name of each address that has one. */
export async function reverseNames(addresses: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    [...new Set(addresses)].map(async (address) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), REVERSE_LOOKUP_MS)));
      const found = await Promise.race([reverse(address).catch(() => [] as string[]), timeout]);
      clearTimeout(timer);
      if (found[0]) names.set(address, found[0]);
    }),
  );
  return names;
}
