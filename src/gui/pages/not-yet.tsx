// Menu places of configuration pages the web GUI does not have yet: each says so and names the
// CLI command that does the same (the menu keeps the appliance's structure meanwhile).
/** @jsxImportSource hono/jsx */
import type { GuiPage, MenuPlace } from '../page.js';

function notYet(place: MenuPlace, path: string, command: string): GuiPage {
  return {
    place,
    path,
    render: () => (
      <p id="not_yet_available">
        This page is not available in the web GUI yet: use the CLI command <code>{command}</code> (esa shell, or the CLI over SSH). Its changes show under
        Commit Changes only when made in this browser session.
      </p>
    ),
  };
}

export const NOT_YET_PAGES: readonly GuiPage[] = [
  notYet({ tab: 'Network', item: 'Bounce Profiles' }, '/network/bounce_profiles', 'bounceconfig'),
  notYet({ tab: 'Network', item: 'SMTP Routes' }, '/network/smtp_routes', 'smtproutes'),
  notYet({ tab: 'Network', item: 'Listeners' }, '/network/listeners', 'listenerconfig'),
  notYet({ tab: 'Mail Policies', item: 'Destination Controls' }, '/mail_policies/destination_controls', 'destconfig'),
  notYet({ tab: 'System Administration', item: 'Users' }, '/system_administration/users', 'userconfig'),
];
