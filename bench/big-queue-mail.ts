// The big queue's mail: one recipient per message, half of the messages to one big domain and
// the rest round-robin over 1,000 recipient hosts, as an appliance's queue looks when its
// backend is down. Pure.

/** The big domain: every other message. */
export const BIG_DOMAIN = 'example.com';
export const SMALL_HOSTS = 1_000;
/** The engine's `--accept` for these recipients (`.example.com` covers the hosts). */
export const BIG_QUEUE_ACCEPT = 'example.com,.example.com';
export function smallHost(n: number): string {
  return `h${n % SMALL_HOSTS}.example.com`;
}

/** The recipient of message i: even i at the big domain, odd i at host (i-1)/2 mod 1,000. */
export function bigQueueRecipient(i: number): string {
  if (i % 2 === 0) return `user${(i / 2) % 1000}@${BIG_DOMAIN}`;
  const k = (i - 1) / 2;
  return `user${Math.floor(k / SMALL_HOSTS) % 1000}@${smallHost(k)}`;
}

/** One of the 1,000 hosts with mail among messages `first` on (the first odd one's), for `showrecipients host`. */
export function sampleHost(first: number): string {
  const odd = first % 2 === 1 ? first : first + 1;
  return bigQueueRecipient(odd).split('@')[1];
}
