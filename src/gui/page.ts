// What a web GUI page is: its place in the menu, its title, what it shows (and which part of it
// follows the engine live), and the actions its forms' buttons ask for. Pages are declared as
// values of this shape and listed in pages.ts; the app gives them the chrome, the session, the
// CSRF check and the banner.
import type { Child } from 'hono/jsx';
import type { EngineApi } from '../api/engine-api.js';
import type { Access } from '../users/roles.js';
import type { CommandOutcome, GuiSession } from './sessions.js';

/** The menu bar's tabs, in the appliance's order. */
export const TABS = ['Monitor', 'Mail Policies', 'Network', 'System Administration', 'Sandbox', 'Options'] as const;
export type Tab = (typeof TABS)[number];

export interface MenuPlace {
  tab: Tab;
  /** The item's label in the tab's menu (the drivers find it by this text). */
  item: string;
}

/** The result banner (`#action-results`): Success, Warning or Error, and its message lines. */
export interface Banner {
  kind: 'success' | 'warn' | 'error';
  title: 'Success' | 'Warning' | 'Error';
  message: readonly string[];
}

export const success = (...message: string[]): Banner => ({ kind: 'success', title: 'Success', message });
export const failure = (...message: string[]): Banner => ({ kind: 'error', title: 'Error', message });

/** A command's outcome as a banner: its output on success, its one-line refusal on failure. */
export function bannerOf(o: CommandOutcome, successLines?: readonly string[]): Banner {
  if (!o.ok) return failure(o.error ?? o.lines.at(-1) ?? 'The action failed.');
  return success(...(successLines ?? o.lines));
}

/** What a page's render and actions get. */
export interface PageContext {
  readonly engine: EngineApi;
  readonly session: GuiSession;
  readonly query: URLSearchParams;
  /** `http://host:port`, as the browser reached the GUI: menu links are absolute. */
  readonly base: string;
  /** An absolute URL of the GUI. */
  url(path: string, query?: Record<string, string | number | undefined>): string;
  /** This page's own URL with its query. */
  readonly here: string;
  /** Where this page's live part is streamed from (Server-Sent Events), for its `data-live` element. */
  readonly liveUrl: string;
  /** Whether the user's role (read now from the running configuration) allows this access. */
  may(access: Access): boolean;
  /** Runs a command line as the session's user (role check, cli_logs, output). */
  run(words: readonly string[]): Promise<CommandOutcome>;
  /** Writes the change's line to logs/gui_logs. */
  log(what: string, outcome: string): void;
}

/** A submitted form: every field's values (a checkbox group gives several). */
export interface FormBody {
  get(name: string): string | undefined;
  all(name: string): string[];
  has(name: string): boolean;
}

export type ActionResult =
  /** Done (or refused as a whole): the page is shown again with the banner (after a redirect). */
  | { banner: Banner; redirect?: string }
  /** Refused field by field: the page is rendered at once with what was typed and the errors in place. */
  | { banner: Banner; render: Child };

export type Action = (ctx: PageContext, form: FormBody) => Promise<ActionResult>;

export interface GuiPage {
  place: MenuPlace;
  /** The page's path (`/monitor/system_status`). */
  path: string;
  /** The page's own heading when not its menu item's label (the title is `<Tab> > <heading>`). */
  heading?: string;
  /** Not in the menu (a host's detail page): reached from another page. */
  hidden?: boolean;
  /** Only in `esa sandbox`. */
  sandboxOnly?: boolean;
  render(ctx: PageContext): Promise<Child> | Child;
  /**
   * The part of the page that follows the engine: re-rendered and pushed to the browser (Server-
   * Sent Events) when the engine says the queue, delivery or connections changed.
   */
  live?: (ctx: PageContext) => Promise<Child> | Child;
  /** The actions of the page's forms, by the name of the submit button that asks for each. */
  actions?: Record<string, Action>;
}

export const titleOf = (page: GuiPage): string => `${page.place.tab} > ${page.heading ?? page.place.item}`;
