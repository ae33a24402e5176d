// Passphrases: scrypt hashes (node:crypto), the appliance's passphrase rules, and generated
// passphrases that follow them. Only hashes are stored; comparisons are constant-time.
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { UserConfig } from '../model/config.js';
import { BUILT_IN_ADMIN, findUser } from './accounts.js';
import type { SessionUser } from './roles.js';

const KEY_LENGTH = 32;
/** scrypt cost: about 50 ms and 16 MB per check, so a guessing client pays for every try. */
const COST = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(passphrase.normalize('NFC'), salt, KEY_LENGTH, COST, (e, key) => (e ? reject(e) : resolve(key))));
}

/** `scrypt:<salt hex>:<hash hex>`. */
export async function hashPassphrase(passphrase: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(passphrase, salt);
  return `scrypt:${salt.toString('hex')}:${key.toString('hex')}`;
}

/** Whether `passphrase` matches a stored hash; a missing or malformed hash matches nothing. */
export async function verifyPassphrase(passphrase: string, stored: string | undefined): Promise<boolean> {
  const m = /^scrypt:([0-9a-f]{32}):([0-9a-f]{64})$/.exec(stored ?? '');
  if (!m) {
    // Spend the same time as a real check: a missing user is not told apart by speed.
    await derive(passphrase, randomBytes(16));
    return false;
  }
  const key = await derive(passphrase, Buffer.from(m[1], 'hex'));
  return timingSafeEqual(key, Buffer.from(m[2], 'hex'));
}

/** A change to the users asks the acting user's own passphrase first; a wrong one changes nothing. */
export const WRONG_PASSPHRASE = 'The passphrase you entered is not correct; nothing was changed.';
export const PASSPHRASES_DIFFER = 'The passphrases you entered did not match.';

/**
 * Whether `typed` is the acting user's own passphrase (`users`: the running configuration's).
 * The control socket's user (the data dir owner) is checked against the built-in admin's; with
 * no passphrase stored there is nothing to check and any answer passes (an engine started
 * before any user existed).
 */
export async function isOwnPassphrase(users: readonly UserConfig[], actor: SessionUser, typed: string): Promise<boolean> {
  const me = findUser({ users: [...users] }, actor.from === 'local' ? BUILT_IN_ADMIN : actor.name);
  if (actor.from === 'local' && !me?.passwordHash) return true;
  return verifyPassphrase(typed, me?.passwordHash);
}

// ----- the rules -----

export const PASSPHRASE_RULE =
  'The passphrase must be 8 to 128 characters long and contain at least one upper-case letter, one digit and one special character.';
export const PASSPHRASE_SEQUENCE = 'The passphrase must not contain three or more repetitive or sequential characters (such as aaa, abc or 123).';
export const PASSPHRASE_USERNAME = 'The passphrase must not be a username or one of its variations.';

/** Three in a row of one character, or of consecutive ones (`abc`, `321`). */
function hasRun(text: string): boolean {
  for (let i = 2; i < text.length; i++) {
    const [a, b, c] = [text.charCodeAt(i - 2), text.charCodeAt(i - 1), text.charCodeAt(i)];
    if (a === b && b === c) return true;
    if (b - a === c - b && Math.abs(b - a) === 1) return true;
  }
  return false;
}

/** The user name, reversed, with digits for letters (`adm1n`), or with a number added. */
function isUsernameVariation(passphrase: string, usernames: readonly string[]): boolean {
  const fold = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .replace(/0/g, 'o')
      .replace(/1/g, 'i')
      .replace(/3/g, 'e')
      .replace(/4/g, 'a')
      .replace(/5/g, 's')
      .replace(/@/g, 'a');
  // A number added at the end is still the name (`jsmith42`); the rest may spell it in digits.
  const p = fold(passphrase.replace(/\d+$/, ''));
  return usernames.some((u) => {
    const n = fold(u);
    return n.length > 0 && (p === n || p === [...n].reverse().join(''));
  });
}

/** Why a passphrase is refused, or undefined when it is good. */
export function passphraseRefusal(passphrase: string, usernames: readonly string[]): string | undefined {
  const ok = passphrase.length >= 8 && passphrase.length <= 128 && /[A-Z]/.test(passphrase) && /\d/.test(passphrase) && /[^A-Za-z0-9]/.test(passphrase);
  if (!ok) return PASSPHRASE_RULE;
  if (hasRun(passphrase.toLowerCase())) return PASSPHRASE_SEQUENCE;
  if (isUsernameVariation(passphrase, usernames)) return PASSPHRASE_USERNAME;
  return undefined;
}

const LETTERS = 'abcdefghjkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SPECIAL = '#%+-=@_';

/** 14 random characters that pass the rules (ambiguous ones like 0/O and 1/l left out). */
export function generatePassphrase(): string {
  const all = LETTERS + UPPER + DIGITS + SPECIAL;
  for (;;) {
    const chars = [UPPER, DIGITS, SPECIAL, ...Array<string>(11).fill(all)].map((set) => set[randomInt(set.length)]);
    // Shuffle, so the required classes are not always in front.
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const text = chars.join('');
    if (!passphraseRefusal(text, [])) return text;
  }
}
