// Web GUI test harness: a real engine with its control socket and the web GUI in this process
// (ports 0, a temp data dir), users added through the CLI, and a small cookie-keeping HTTP client
// for the tests that need no browser.
import { ensureFirstAdmin } from '../../src/users/first-admin.js';
import { GuiServer, type GuiServerOptions } from '../../src/gui/server.js';
import { batch, startCliEngine, type CliEngine } from '../cli/cli-harness.js';
import type { TestEngineOptions } from '../helpers/harness.js';

export const ADMIN_PASSWORD = 'Adm1n#Secret';

export interface GuiEngine {
  cli: CliEngine;
  gui: GuiServer;
  /** `http://127.0.0.1:<port>` */
  base: string;
  stop(): Promise<void>;
}

export async function startGuiEngine(o: TestEngineOptions & Pick<GuiServerOptions, 'idleTimeoutMs' | 'liveMinMs' | 'pages' | 'now'> = {}): Promise<GuiEngine> {
  const cli = await startCliEngine(o);
  await ensureFirstAdmin(cli.engine.api, ADMIN_PASSWORD);
  const gui = await GuiServer.start({
    control: cli.control,
    listen: { host: '127.0.0.1', port: 0 },
    idleTimeoutMs: o.idleTimeoutMs,
    liveMinMs: o.liveMinMs,
    pages: o.pages,
    now: o.now,
  }).catch(async (e: unknown) => {
    await cli.stop();
    throw e;
  });
  return {
    cli,
    gui,
    base: `http://127.0.0.1:${gui.address.port}`,
    async stop() {
      await gui.close();
      await cli.stop();
    },
  };
}

/** Adds and commits a user through the control socket (the local admin). */
export async function addUser(e: GuiEngine, name: string, role: string, password: string): Promise<void> {
  const r = await batch(e.cli.socket, `userconfig new ${name} role="${role}" password=${password}\ncommit "add ${name}"\n`);
  if (r.code !== 0) throw new Error(`adding ${name} failed: ${r.stdout}${r.stderr}`);
}

export interface Reply {
  status: number;
  location: string | null;
  text: string;
}

/** A browser without a browser: keeps cookies, follows nothing by itself, reads forms' tokens. */
export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  #remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async #send(path: string, init: RequestInit): Promise<Reply> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    this.#remember(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  get(path: string): Promise<Reply> {
    return this.#send(path, { method: 'GET' });
  }

  post(path: string, fields: Record<string, string | string[]>): Promise<Reply> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.#send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** GET, then follow redirects (as a browser does after a POST's 303). */
  async follow(first: Reply): Promise<Reply> {
    let r = first;
    for (let i = 0; i < 5 && r.location; i++) r = await this.get(r.location);
    return r;
  }

  /** Opens the login page, then logs in; returns the page the login lands on. */
  async login(user: string, password: string): Promise<Reply> {
    const page = await this.get('/login');
    return this.follow(await this.post('/login', { CSRFKey: csrfOf(page.text), username: user, password, 'action:Login': 'Login' }));
  }
}

/** The CSRF token of the first form of a page. */
export function csrfOf(html: string): string {
  const m = /name="CSRFKey" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRFKey field on the page');
  return m[1];
}

/** The banner's title and message (text, tags dropped), or undefined when the page has none. */
export function bannerOf(html: string): { title: string; message: string } | undefined {
  const title = /<span id="action-results-title">([^<]*)<\/span>/.exec(html)?.[1];
  const message = /<td id="action-results-message">([\s\S]*?)<\/td>/.exec(html)?.[1];
  if (title === undefined) return undefined;
  return {
    title,
    message: (message ?? '')
      .replace(/<br\/?>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  };
}

/** The page's <title>. */
export function titleOf(html: string): string {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1].replace(/&gt;/g, '>').replace(/&amp;/g, '&') ?? '';
}

const unescapeHtml = (t: string) =>
  t
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * What a browser would submit from the page's form that holds `button` (a POST form): its text and
 * hidden inputs, checked radios and checkboxes, selected options — disabled controls and row
 * templates left out — by name in page order.
 */
export function formEntries(html: string, button = 'action:Submit'): [string, string][] {
  const page = html.replace(/<template[\s\S]*?<\/template>/g, '');
  const form = [...page.matchAll(/<form method="post"[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`name="${button}"`));
  if (!form) throw new Error(`no form with the button ${button}`);
  const attr = (attrs: string, name: string) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
    return m ? unescapeHtml(m[1]) : undefined;
  };
  const out: [string, string][] = [];
  for (const m of form.matchAll(/<input\b([^>]*?)\/?>|<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const attrs = m[1] ?? m[2];
    const name = attr(attrs, 'name');
    if (!name || /\sdisabled=/.test(attrs)) continue;
    if (m[1] !== undefined) {
      const type = attr(attrs, 'type') ?? 'text';
      if (type === 'submit' || type === 'button') continue;
      if ((type === 'radio' || type === 'checkbox') && !/\schecked=/.test(attrs)) continue;
      out.push([name, attr(attrs, 'value') ?? '']);
    } else {
      const options = [...m[3].matchAll(/<option\b([^>]*)>/g)].map((o) => o[1]);
      const chosen = options.find((o) => /\sselected=/.test(o)) ?? options[0];
      if (chosen !== undefined) out.push([name, attr(chosen, 'value') ?? '']);
    }
  }
  return out;
}

/** Submits the page's form as a browser would, with some fields changed (a name given replaces all its values); returns the page after redirects. */
export async function submitForm(
  w: WebClient,
  path: string,
  page: string,
  changes: Record<string, string | string[]>,
  button: [string, string] = ['action:Submit', 'Submit'],
): Promise<Reply> {
  const fields: Record<string, string[]> = {};
  for (const [name, value] of formEntries(page, button[0])) if (!(name in changes)) (fields[name] ??= []).push(value);
  for (const [name, value] of Object.entries(changes)) fields[name] = Array.isArray(value) ? value : [value];
  return w.follow(await w.post(path, { ...fields, [button[0]]: button[1] }));
}
