// The frame of every web GUI page, with the appliance's markup that Cisco's GUI drivers look for:
// `img.logo`, the menu bar (tabs, items as absolute links), the title `<Tab> > <Page>`, the
// "Commit Changes »" button only while changes are pending, the result banner, the confirm
// dialog; and the pages outside the frame (login, logged out, not found).
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Banner, GuiPage, Tab } from './page.js';
import { roleInfo } from '../users/roles.js';
import type { GuiSession } from './sessions.js';

export const STYLE_PATH = '/static/gui.css';
export const SCRIPT_PATH = '/static/gui.js';
export const LOGO_PATH = '/static/logo.svg';
export const DELETE_ICON_PATH = '/static/delete.svg';
export const COMMIT_PATH = '/system_administration/commit';
export const LOGOUT_PATH = '/logout';
export const LOGIN_PATH = '/login';

const product = (hostname: string) => `${hostname} (esa-sim)`;

function Head(props: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{props.title}</title>
      <link rel="stylesheet" href={STYLE_PATH} />
      <script src={SCRIPT_PATH} defer></script>
    </head>
  );
}

export function Logo() {
  return <img class="logo" src={LOGO_PATH} alt="esa-sim" width="112" height="32" />;
}

/** The result banner, in the markup every driver reads (title span, message cell, the kind's div). */
export function ActionResults(props: { banner: Banner }) {
  const b = props.banner;
  return (
    <div id="action-results" role={b.kind === 'error' ? 'alert' : 'status'}>
      <table>
        <tr>
          <td>
            <div class={`action-results-${b.kind}`}></div>
          </td>
          <td>
            <span id="action-results-title">{b.title}</span>
          </td>
          <td id="action-results-message">
            {b.message.map((line, i) => (
              <>
                {i > 0 ? <br /> : ''}
                {line}
              </>
            ))}
          </td>
        </tr>
      </table>
    </div>
  );
}

/** The hidden confirm dialog; `data-confirm` buttons open it (gui.js). */
function ConfirmDialog() {
  return (
    <div id="confirmation_dialog_c" hidden>
      <div id="confirmation_dialog" role="dialog" aria-modal="true" aria-labelledby="confirmation_dialog_title">
        <div class="hd" id="confirmation_dialog_title">
          Confirm
        </div>
        <div class="bd" id="confirmation_dialog_text"></div>
        <div class="ft">
          <button type="button" data-dialog="continue">
            Continue
          </button>
          <button type="button" data-dialog="cancel">
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

export interface MenuEntry {
  tab: Tab;
  /** Where the tab's own link leads (clicked when hovering fails): its first page, never an action such as Log Out. */
  href: string;
  items: { label: string; href: string }[];
}

function MenuBar(props: { menu: readonly MenuEntry[]; current?: Tab }) {
  return (
    <div id="navbar" class="yuimenubar" role="navigation" aria-label="Main menu">
      <ul class="first-of-type">
        {props.menu.map((m) => (
          <li class={`yuimenubaritem${m.tab === 'Options' ? ' options' : ''}`}>
            <a class={`yuimenubaritemlabel yuimenubaritemlabel-hassubmenu${m.tab === props.current ? ' selected' : ''}`} href={m.href} aria-haspopup="true">
              {m.tab}
            </a>
            <div class="yuimenu">
              <ul>
                {m.items.map((i) => (
                  <li class="yuimenuitem">
                    <a class="yuimenuitemlabel" href={i.href}>
                      {i.label}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface FrameProps {
  hostname: string;
  page: GuiPage;
  title: string;
  menu: readonly MenuEntry[];
  session: GuiSession;
  commitHref: string;
  banner?: Banner;
  children?: Child;
}

/** A logged-in page: header, menu bar, heading, banner, content, confirm dialog. */
export function Frame(p: FrameProps) {
  const role = roleInfo(p.session.user.role).name;
  const pending = p.session.pending.hasChanges;
  return (
    <html lang="en">
      <Head title={`${p.title} — ${product(p.hostname)}`} />
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <div id="header">
          <Logo />
          <span class="appliance">{p.hostname}</span>
          {pending ? (
            <div id="pending">
              <a href={p.commitHref}>Uncommitted Changes</a>
              <input type="button" value="Commit Changes »" data-href={p.commitHref} />
            </div>
          ) : (
            ''
          )}
          <span class="who">
            Logged in as {p.session.user.name} ({role})
          </span>
        </div>
        <MenuBar menu={p.menu} current={p.page.place.tab} />
        <main id="content" tabindex={-1}>
          <h1 class="page-title">{p.page.heading ?? p.page.place.item}</h1>
          {p.banner ? <ActionResults banner={p.banner} /> : ''}
          {p.children}
        </main>
        <div id="footer">esa-sim: an email security appliance simulator with the AsyncOS interfaces (not a Cisco product).</div>
        <ConfirmDialog />
      </body>
    </html>
  );
}

/** The login page: the only page whose title says "Welcome". */
export function LoginPage(p: { hostname: string; action: string; csrf: string; next?: string; notice?: string; username?: string }) {
  return (
    <html lang="en">
      <Head title={`Welcome — ${product(p.hostname)}`} />
      <body>
        <main class="login-box">
          <Logo />
          <h1>{p.hostname}</h1>
          <div class="hint">Email security appliance (esa-sim). Log in with an appliance user.</div>
          {p.notice ? (
            <p class="notice" role="alert">
              {p.notice}
            </p>
          ) : (
            ''
          )}
          <form method="post" action={p.action}>
            <input type="hidden" name="CSRFKey" value={p.csrf} />
            {p.next ? <input type="hidden" name="next" value={p.next} /> : ''}
            <label for="username">Username</label>
            <input type="text" id="username" name="username" value={p.username ?? ''} autocomplete="username" autofocus required />
            <label for="password">Passphrase</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required />
            <div class="buttons">
              <input type="submit" id="action:Login" name="action:Login" value="Login" />
            </div>
          </form>
        </main>
      </body>
    </html>
  );
}

/** After Options > Log Out; says what was abandoned only when there was something. */
export function LoggedOutPage(p: { hostname: string; loginHref: string; abandoned: number }) {
  return (
    <html lang="en">
      <Head title={`Logged Out — ${product(p.hostname)}`} />
      <body>
        <main class="login-box">
          <Logo />
          <h1>You have been logged out.</h1>
          {p.abandoned > 0 ? (
            <p class="notice">Uncommitted Changes: {p.abandoned} change(s) of this session were not committed and have been abandoned.</p>
          ) : (
            ''
          )}
          <p>
            <a href={p.loginHref}>Log in again</a>
          </p>
        </main>
      </body>
    </html>
  );
}

/** A page outside the frame with one message (not found, bad request). */
export function MessagePage(p: { hostname: string; title: string; message: string; homeHref: string }) {
  return (
    <html lang="en">
      <Head title={`${p.title} — ${product(p.hostname)}`} />
      <body>
        <main class="login-box">
          <Logo />
          <h1>{p.title}</h1>
          <p>{p.message}</p>
          <p>
            <a href={p.homeHref}>Go to the appliance's start page</a>
          </p>
        </main>
      </body>
    </html>
  );
}

/** `<!DOCTYPE html>` and the page. */
export function documentOf(page: Child): string {
  return `<!DOCTYPE html>${String(page)}`;
}
