// What a listener's configuration decides for one session, as plain replies: the greeting, who
// may connect (per-host limit, a Private listener's relay hosts), how many messages a session may
// send, and each recipient's RAT verdict. Pure: src/engine/smtp/listener.ts applies them in its hooks.
import type { ListenerConfig, SmtpResponse } from '../../model/config.js';
import { ratLookup } from '../../model/rat.js';
import { relayAllowed } from '../../model/relay-hosts.js';

export interface Reply {
  code: number;
  /** The text after the code, starting with its enhanced status code. */
  text: string;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}(?: |$)/;

/**
 * A custom response as sent: its lines joined into one, and an enhanced status code (`5.0.0`
 * for a 5xx) in front when the operator's text has none, so the reply is the same whatever
 * smtp-server would have added.
 */
export function customReply(r: SmtpResponse): Reply {
  const text = r.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  if (ENHANCED.test(text)) return { code: r.code, text };
  return { code: r.code, text: `${Math.floor(r.code / 100)}.0.0${text ? ` ${text}` : ''}` };
}

/** The greeting's lines when the listener has a custom acceptance response (else smtp-server's `220 <name> ESMTP`). */
export function customGreeting(lc: ListenerConfig, hostname: string): { code: number; lines: string[] } | undefined {
  if (!lc.acceptResponse) return undefined;
  const lines = lc.acceptResponse.text.split('\n').filter((l) => l.trim() !== '');
  const name = lc.bannerHostname ?? hostname;
  if (lines.length === 0) return { code: lc.acceptResponse.code, lines: [name] };
  return { code: lc.acceptResponse.code, lines: [`${name} ${lines[0]}`, ...lines.slice(1)] };
}

/** Why a new session is refused (after the suspension and listener-wide checks), or undefined. */
export function connectRefusal(lc: ListenerConfig, remote: string, openFromHost: number, hostname: string): Reply | undefined {
  if (lc.type === 'Private' && !relayAllowed(lc.relayHosts, remote)) {
    return lc.rejectResponse ? customReply(lc.rejectResponse) : { code: 554, text: `5.7.1 ${hostname} Access denied` };
  }
  if (openFromHost >= lc.maxConnectionsPerHost) {
    return { code: 421, text: `4.7.0 ${hostname} Too many connections from your host, try again later` };
  }
  return undefined;
}

/** The reply to MAIL FROM once a session has sent its allowed number of messages (the session closes). */
export function messagesExceeded(lc: ListenerConfig, sent: number, hostname: string): Reply | undefined {
  if (sent < lc.maxMessagesPerConnection) return undefined;
  return { code: 421, text: `4.7.0 ${hostname} Too many messages in this session, closing transmission channel` };
}

/** The RAT's verdict on a recipient: undefined to accept, else the rejection. Private listeners accept everyone. */
export function rcptRefusal(lc: ListenerConfig, address: string): Reply | undefined {
  if (lc.type === 'Private') return undefined;
  const entry = ratLookup(lc.rat, address);
  if (entry?.action === 'ACCEPT') return undefined;
  if (entry?.response) return customReply(entry.response);
  return { code: 550, text: `5.7.1 <${address}>: Relay access denied` };
}
