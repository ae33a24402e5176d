// The web GUI as a Hono application: the login and logout, the session cookie and the CSRF check
// of every form, the pages with their frame and banner, their live parts over Server-Sent
// Events, the static files, and the 404 and error pages (one line, never a trace).
/** @jsxImportSource hono/jsx */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { getConnInfo } from '@hono/node-server/conninfo';
import { randomBytes } from 'node:crypto';
import type { Child } from 'hono/jsx';
import type { EngineApi, EngineEventName } from '../api/engine-api.js';
import type { AuditLog, LoginVia } from '../users/audit-log.js';
import { lockNotice, type Logins } from '../users/login.js';
import { currentRole, mayRun } from '../users/roles.js';
import { DELETE_ICON, LOGO, SCRIPT, STYLE } from './assets.js';
import {
  COMMIT_PATH,
  DELETE_ICON_PATH,
  documentOf,
  Frame,
  LoggedOutPage,
  LOGIN_PATH,
  LoginPage,
  LOGO_PATH,
  LOGOUT_PATH,
  MessagePage,
  SCRIPT_PATH,
  STYLE_PATH,
  type MenuEntry,
} from './chrome.js';
import { failure, TABS, titleOf, type ActionResult, type Banner, type FormBody, type GuiPage, type PageContext } from './page.js';
import { sameToken, type GuiSession, type GuiSessions } from './sessions.js';

export const SESSION_COOKIE = 'esa_sid';
const LOGIN_COOKIE = 'esa_login';
export const LIVE_PATH = '/events';
/** Where a login lands when it was not sent from a page. */
export const HOME_PATH = '/monitor/system_status';
/** A live page is pushed at most this often (wall ms), however busy the engine is. */
export const LIVE_MIN_MS = 1_000;
const KEEPALIVE_MS = 20_000;
const LIVE_EVENTS: readonly EngineEventName[] = ['queue', 'delivery', 'connections'];

export const NOTICE_EXPIRED = 'Your session has expired or ended: please log in again.';
export const NOTICE_BAD_TOKEN = "The form's security token was missing or wrong, so nothing was done: please log in again.";
export const NOTICE_FAILED = 'Login failed: the username or passphrase is not correct.';
export const NOTICE_LOCKED = 'Too many failed logins from your address: wait a minute, then try again.';
const NOTICE_LOGIN_FORM = 'The login form had expired: please try again.';

export interface GuiAppOptions {
  engine: EngineApi;
  audit: AuditLog;
  logins: Logins;
  sessions: GuiSessions;
  pages: readonly GuiPage[];
  via: LoginVia;
  /** `host:port` for links when the request's Host header cannot be used. */
  fallbackHost: string;
  /** Wall ms between two pushes of a live page (tests may shorten it). */
  liveMinMs?: number;
}

function formBody(data: FormData): FormBody {
  const strings = (name: string) => data.getAll(name).filter((v): v is string => typeof v === 'string');
  return { get: (name) => strings(name)[0], all: strings, has: (name) => data.has(name) };
}

/** A local path to return to after the login (never another site). */
function localPath(next: string | undefined): string | undefined {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  if (next.startsWith(LIVE_PATH) || next.startsWith(LOGOUT_PATH) || next.startsWith(LOGIN_PATH)) return undefined;
  return next;
}

export function guiApp(o: GuiAppOptions): Hono {
  const { engine, sessions } = o;
  const app = new Hono();
  const pages = o.pages.filter((p) => !p.sandboxOnly || engine.sandbox);
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const secure = o.via === 'HTTPS';

  const baseOf = (c: Context): string => {
    const host = c.req.header('host') ?? '';
    const ok = /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host) || /^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host);
    return `${secure ? 'https' : 'http'}://${ok ? host : o.fallbackHost}`;
  };
  const urlOf = (base: string, path: string, query?: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return `${base}${path}${s ? `?${s}` : ''}`;
  };
  const clientOf = (c: Context): string => getConnInfo(c).remote.address ?? 'unknown';

  const menuOf = (base: string): MenuEntry[] => {
    const menu: MenuEntry[] = [];
    for (const tab of TABS) {
      const items = pages.filter((p) => p.place.tab === tab && !p.hidden).map((p) => ({ label: p.place.item, href: urlOf(base, p.path) }));
      const href = items[0]?.href ?? urlOf(base, HOME_PATH);
      if (tab === 'Options') items.push({ label: 'Log Out', href: urlOf(base, LOGOUT_PATH) });
      if (items.length > 0) menu.push({ tab, href, items });
    }
    return menu;
  };

  /** What a page gets for a request: `url` is the page's own URL (a live stream passes the page's, not its own). */
  const contextOf = (base: string, url: URL, session: GuiSession, page: GuiPage): PageContext => {
    const query = url.searchParams;
    return {
      engine,
      session,
      query,
      base,
      url: (path, q) => urlOf(base, path, q),
      here: `${base}${url.pathname}${url.search}`,
      liveUrl: urlOf(base, LIVE_PATH, { path: page.path, ...Object.fromEntries(query) }),
      may: (access) => mayRun(currentRole(engine.config().users, session.user), access),
      run: (words) => session.run(words),
      log: (what, outcome) => o.audit.guiChange(session.user, titleOf(page), what, outcome),
    };
  };

  const html = (c: Context, page: Child, status = 200) => {
    c.header('Cache-Control', 'no-store');
    return c.html(documentOf(page), status as 200);
  };

  /** The login page, with a fresh token in its cookie and form (double submit: the form has no session yet). */
  const loginPage = (c: Context, notice?: string, status = 200, username?: string) => {
    const token = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure });
    const url = new URL(c.req.url);
    const next = c.req.method === 'GET' ? localPath(`${url.pathname}${url.search}`) : undefined;
    return html(
      c,
      <LoginPage hostname={engine.hostname} action={urlOf(baseOf(c), LOGIN_PATH)} csrf={token} next={next} notice={notice} username={username} />,
      status,
    );
  };

  const renderPage = async (c: Context, page: GuiPage, ctx: PageContext, banner?: Banner, body?: Child) => {
    const content = body ?? (await page.render(ctx));
    return html(
      c,
      <Frame
        hostname={engine.hostname}
        page={page}
        title={titleOf(page)}
        menu={menuOf(ctx.base)}
        session={ctx.session}
        commitHref={urlOf(ctx.base, COMMIT_PATH, { from: new URL(c.req.url).pathname })}
        banner={banner}
      >
        {content}
      </Frame>,
    );
  };

  // ----- every response -----
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });
  app.use('*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text('The form is too large.', 413) }));

  // ----- static files -----
  const asset = (type: string, text: string) => (c: Context) => {
    c.header('Content-Type', type);
    c.header('Cache-Control', 'no-cache');
    return c.body(text);
  };
  app.get(STYLE_PATH, asset('text/css; charset=utf-8', STYLE));
  app.get(SCRIPT_PATH, asset('text/javascript; charset=utf-8', SCRIPT));
  app.get(LOGO_PATH, asset('image/svg+xml', LOGO));
  app.get(DELETE_ICON_PATH, asset('image/svg+xml', DELETE_ICON));

  // ----- login, logout -----
  app.get('/', (c) => {
    const session = sessions.find(getCookie(c, SESSION_COOKIE), true);
    return c.redirect(urlOf(baseOf(c), session ? HOME_PATH : LOGIN_PATH), 302);
  });
  app.get(LOGIN_PATH, (c) => {
    const session = sessions.find(getCookie(c, SESSION_COOKIE), true);
    if (session) return c.redirect(urlOf(baseOf(c), HOME_PATH), 302);
    return loginPage(c);
  });
  app.post(LOGIN_PATH, async (c) => {
    const form = formBody(await c.req.formData());
    const expected = getCookie(c, LOGIN_COOKIE);
    if (!expected || !sameToken(form.get('CSRFKey'), expected)) return loginPage(c, NOTICE_LOGIN_FORM, 403);
    const username = (form.get('username') ?? '').trim();
    const outcome = await o.logins.password(username, form.get('password') ?? '', clientOf(c), o.via);
    if (!outcome.ok)
      return loginPage(c, outcome.lock?.kind === 'account' ? lockNotice(outcome.lock) : outcome.locked ? NOTICE_LOCKED : NOTICE_FAILED, 401, username);
    const session = sessions.create(outcome.user);
    deleteCookie(c, LOGIN_COOKIE, { path: '/' });
    setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure });
    return c.redirect(urlOf(baseOf(c), localPath(form.get('next')) ?? HOME_PATH), 303);
  });
  app.get(LOGOUT_PATH, (c) => {
    const session = sessions.find(getCookie(c, SESSION_COOKIE), false);
    const abandoned = session?.pending.descriptions.length ?? 0;
    if (session) sessions.logout(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return html(c, <LoggedOutPage hostname={engine.hostname} loginHref={urlOf(baseOf(c), LOGIN_PATH)} abandoned={abandoned} />);
  });

  // ----- live parts -----
  app.get(LIVE_PATH, (c) => {
    const session = sessions.find(getCookie(c, SESSION_COOKIE), false);
    const url = new URL(c.req.url);
    const page = byPath.get(url.searchParams.get('path') ?? '');
    if (!page?.live) return c.text('No live page here.', 404);
    url.searchParams.delete('path');
    const pageUrl = new URL(`${page.path}?${url.searchParams}`, url);
    const base = baseOf(c);
    return streamSSE(c, async (stream) => {
      if (!session) {
        await stream.writeSSE({ event: 'expired', data: '' });
        return;
      }
      const ctx = contextOf(base, pageUrl, session, page);
      let timer: NodeJS.Timeout | undefined;
      let last = 0;
      let closed = false;
      let stop: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (stop = resolve));
      const push = async () => {
        timer = undefined;
        if (closed) return;
        if (!sessions.alive(session)) {
          await stream.writeSSE({ event: 'expired', data: '' });
          stop();
          return;
        }
        last = Date.now();
        try {
          await stream.writeSSE({ event: 'update', data: String(await page.live!(ctx)) });
        } catch (e) {
          if (!closed) engine.diagnostics.bug(`web GUI live ${page.path}`, e);
          stop();
        }
      };
      const schedule = () => {
        if (timer || closed) return;
        timer = setTimeout(() => void push(), Math.max(0, last + (o.liveMinMs ?? LIVE_MIN_MS) - Date.now()));
      };
      const offs = LIVE_EVENTS.map((e) => engine.on(e, schedule));
      const keepalive = setInterval(() => {
        if (!sessions.alive(session)) void push();
        else void stream.write(': keepalive\n\n').catch(() => stop());
      }, KEEPALIVE_MS);
      stream.onAbort(() => stop());
      // What changed between the page's render and this stream is pushed at once.
      schedule();
      await ended;
      closed = true;
      clearTimeout(timer);
      clearInterval(keepalive);
      for (const off of offs) off();
    });
  });

  // ----- pages -----
  for (const page of pages) {
    app.get(page.path, async (c) => {
      const session = sessions.find(getCookie(c, SESSION_COOKIE), true);
      if (!session) return loginPage(c, getCookie(c, SESSION_COOKIE) ? NOTICE_EXPIRED : undefined);
      const banner = session.flash;
      session.flash = undefined;
      return renderPage(c, page, contextOf(baseOf(c), new URL(c.req.url), session, page), banner);
    });
    app.post(page.path, async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      const session = sessions.find(cookie, true);
      if (!session) return loginPage(c, NOTICE_EXPIRED, 401);
      const form = formBody(await c.req.formData());
      if (!sameToken(form.get('CSRFKey'), session.csrf)) {
        // A forged or stale form: nothing is done, and the session ends.
        sessions.logout(session);
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return loginPage(c, NOTICE_BAD_TOKEN, 403);
      }
      const ctx = contextOf(baseOf(c), new URL(c.req.url), session, page);
      const name = Object.keys(page.actions ?? {}).find((n) => form.has(n));
      let result: ActionResult;
      if (!name) result = { banner: failure('There is nothing to submit on this page.') };
      else result = await page.actions![name](ctx, form);
      ctx.log(`clicked "${form.get(name ?? '') || name || '(nothing)'}"`, `${result.banner.title}: ${result.banner.message.join(' ')}`);
      if ('render' in result) return renderPage(c, page, ctx, result.banner, result.render);
      session.flash = result.banner;
      return c.redirect(result.redirect ?? ctx.here, 303);
    });
  }

  // ----- not found, errors -----
  app.notFound((c) =>
    html(
      c,
      <MessagePage
        hostname={engine.hostname}
        title="Not Found"
        message={`There is no page at ${new URL(c.req.url).pathname} on this appliance.`}
        homeHref={urlOf(baseOf(c), '/')}
      />,
      404,
    ),
  );
  app.onError((e, c) => {
    engine.diagnostics.bug(`web GUI ${c.req.method} ${new URL(c.req.url).pathname}`, e);
    return html(
      c,
      <MessagePage
        hostname={engine.hostname}
        title="Something went wrong"
        message="The page could not be shown; the error was written to the engine's diagnostics. Try again, or go back."
        homeHref={urlOf(baseOf(c), '/')}
      />,
      500,
    );
  });
  return app;
}
