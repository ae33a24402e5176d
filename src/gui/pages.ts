// Every page of the web GUI, in menu order within each tab (the menu is built from this list).
import { bounceGlobalSettingsPage, bounceProfilesPage } from './pages/bounce-profiles.js';
import { commitPage } from './pages/commit.js';
import { deliveryStatusPage, hostDetailPage } from './pages/delivery-status.js';
import { destinationControlsPage, destinationGlobalSettingsPage } from './pages/destination-controls.js';
import { hatOverviewPage, mailFlowPoliciesPage } from './pages/host-access.js';
import { listenersPage } from './pages/listeners.js';
import { ratPage } from './pages/recipient-access.js';
import { shutdownSuspendPage } from './pages/shutdown-suspend.js';
import { smtpRoutesPage } from './pages/smtp-routes.js';
import { systemStatusPage } from './pages/system-status.js';
import { trainerPage } from './pages/trainer.js';
import { usersPage } from './pages/users.js';
import { alertSettingsPage, alertsPage } from './pages/alerts.js';
import type { GuiPage } from './page.js';

export const GUI_PAGES: readonly GuiPage[] = [
  systemStatusPage,
  deliveryStatusPage,
  hostDetailPage,
  bounceProfilesPage,
  bounceGlobalSettingsPage,
  smtpRoutesPage,
  listenersPage,
  hatOverviewPage,
  mailFlowPoliciesPage,
  ratPage,
  destinationControlsPage,
  destinationGlobalSettingsPage,
  usersPage,
  alertsPage,
  alertSettingsPage,
  shutdownSuspendPage,
  commitPage,
  trainerPage,
];
