// The AsyncOS mail log lines, one function per kind of line, so the wording lives in one
// place (scripts and `grep` look for it) and callers pass values, not text.
import { formatApplianceDate } from './format-date.js';
import { printable } from './printable.js';

type Rids = readonly { rid: number }[];

const rids = (rcpts: Rids) => `[${rcpts.map((r) => r.rid).join(', ')}]`;
// What a client or a remote server sent, escaped (src/model/printable.ts): it cannot forge a line.
const quoted = (text: string) => printable(text).replace(/'/g, '"');

/** `('451', ['try later'])`, the reply tuple of AsyncOS log lines. */
export function replyTuple(reply: string): string {
  const m = /^(\d{3})[ -]?(.*)$/s.exec(reply.trim());
  if (!m) return `('000', [${reply ? `'${quoted(reply)}'` : ''}])`;
  const text = m[2].replace(/^[245]\.\d{1,3}\.\d{1,3} /, '');
  return `('${m[1]}', ['${quoted(text)}'])`;
}

// ----- receiving -----

export const newInjection = (icid: number, listener: string, host: string, remote: string) =>
  `New SMTP ICID ${icid} interface ${listener} (${host}) address ${remote} reverse dns host unknown verified no`;
export const injectionClosed = (icid: number) => `ICID ${icid} close`;
export const receivingFailed = (icid: number, why: string) => `ICID ${icid} Receiving Failed: ${printable(why)}`;
export const ratRejected = (icid: number, rid: number, address: string) => `ICID ${icid} RID ${rid} Rejected by RAT: <${printable(address)}>`;
export const messageStart = (mid: number, icid: number) => `Start MID ${mid} ICID ${icid}`;
export const messageFrom = (mid: number, icid: number, from: string) => `MID ${mid} ICID ${icid} From: <${printable(from)}>`;
export const messageTo = (mid: number, icid: number, rid: number, to: string) => `MID ${mid} ICID ${icid} RID ${rid} To: <${printable(to)}>`;
export const messageId = (mid: number, id: string) => `MID ${mid} Message-ID '${printable(id)}'`;
export const messageSubject = (mid: number, subject: string) => `MID ${mid} Subject '${printable(subject)}'`;
export const messageReady = (mid: number, size: number, from: string) => `MID ${mid} ready ${size} bytes from <${printable(from)}>`;
export const messageQueued = (mid: number) => `MID ${mid} queued for delivery`;
/** A STARTTLS handshake completed, inbound (`ICID`) or outbound (`DCID`). */
export const tlsSuccess = (id: 'ICID' | 'DCID', n: number, protocol: string, cipher: string) => `${id} ${n} TLS success protocol ${protocol} cipher ${cipher}`;
/** A STARTTLS handshake did not complete (or, outbound, the certificate was refused). */
export const tlsFailed = (id: 'ICID' | 'DCID', n: number, why: string) => `${id} ${n} TLS failed: ${why}`;
/** A listener whose policy requires TLS refused MAIL from a client that did not start it. */
export const tlsNotInitiated = (icid: number) => `ICID ${icid} TLS was required but remote host did not initiate it`;

// ----- delivering -----

export const newDelivery = (dcid: number, host: string, port: number) => `New SMTP DCID ${dcid} interface 127.0.0.1 address ${host} port ${port}`;
export const connectionError = (dcid: number, domain: string, ip: string, port: number, details: string, reason: 'DNS failure' | 'network error') =>
  `Connection Error: DCID ${dcid} domain: ${domain} IP: ${ip} port: ${port} details: ${details} interface: ${ip === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1'} reason: ${reason}`;
export const deliveryStart = (dcid: number, mid: number, rcpts: Rids) => `Delivery start DCID ${dcid} MID ${mid} to RID ${rids(rcpts)}`;
export const messageDone = (dcid: number, mid: number, rcpts: Rids) => `Message done DCID ${dcid} MID ${mid} to RID ${rids(rcpts)}`;
export const remoteResponse = (mid: number, rcpts: Rids, response: string) => `MID ${mid} RID ${rids(rcpts)} Response '${quoted(response)}'`;
export const delayed = (dcid: number, mid: number, rcpts: Rids, status: string, reply: string) =>
  `Delayed: DCID ${dcid} MID ${mid} to RID ${rids(rcpts)} - ${status} - ${replyTuple(reply)}`;
export const pendingTill = (mid: number, rcpts: Rids, at: number, profile: string) =>
  `MID ${mid} to RID ${rids(rcpts)} pending till ${formatApplianceDate(at)} [${profile}]`;
export const bounced = (dcid: number, mid: number, rid: number, status: string, why: string, reply: string) =>
  `Bounced: DCID ${dcid} MID ${mid} to RID [${rid}] - ${status} - ${why} ${replyTuple(reply)}`;
/** A route host refused a whole transaction for now: the job goes to the route's next host. */
export const nextHost = (dcid: number, mid: number, host: string, port: number, reply: string) =>
  `Delayed: DCID ${dcid} MID ${mid} by ${host} port ${port} - ${replyTuple(reply)} - trying the next host of the route`;
/** Delivery under a Required TLS setting: nothing is sent, the attempt fails. */
export const tlsRequiredFailed = (dcid: number) => `DCID ${dcid} TLS was required but could not be successfully negotiated`;
/** Preferred - Verify: the session is encrypted, but the certificate did not verify. */
export const tlsNotVerified = (dcid: number, why: string) => `DCID ${dcid} TLS certificate not verified: ${why}`;
export const hostDown = (domain: string, until: number) => `Host ${domain} marked down: next host retry ${formatApplianceDate(until)}`;
export const messageFinished = (mid: number) => `Message finished MID ${mid} done`;

// ----- operator actions on the queue -----

export const recipientsDeleted = (mid: number, rcpts: Rids, by: string) => `MID ${mid} RID ${rids(rcpts)} deleted by ${by}`;
export const recipientsRedirected = (count: number, host: string, port: number) => `${count} recipient(s) redirected to ${host}:${port}`;

// ----- alerts (src/engine/alerts/) -----

export const alertRaised = (id: number, name: string, subject: string) => `Alert ${id} ${name} raised: ${subject}`;
export const alertHeldBack = (name: string, until: number, count: number) =>
  `Alert ${name} held back as a duplicate until ${formatApplianceDate(until)} (${count} held back so far)`;
export const alertNoRecipient = (id: number, alertClass: string, severity: string) =>
  `Alert ${id} has no recipient for ${alertClass} alerts of severity ${severity}: kept in displayalerts`;
export const alertSent = (id: number, dcid: number, address: string, host: string, port: number, reply: string) =>
  `Alert ${id} DCID ${dcid} sent to <${address}> via ${host} port ${port}: ${replyTuple(reply)}`;
export const alertRetry = (id: number, address: string, attempt: number, attempts: number, why: string, next: number) =>
  `Alert ${id} to <${address}> not sent (attempt ${attempt} of ${attempts}): ${why}; next try ${formatApplianceDate(next)}`;
export const alertFailed = (id: number, address: string, attempts: number, why: string) =>
  `Alert ${id} could not be sent to <${address}> after ${attempts} attempt(s): ${why}; kept in displayalerts`;
