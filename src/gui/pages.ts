// Every page of the web GUI, in menu order within each tab (the menu is built from this list).
import { commitPage } from './pages/commit.js';
import { deliveryStatusPage, hostDetailPage } from './pages/delivery-status.js';
import { NOT_YET_PAGES } from './pages/not-yet.js';
import { shutdownSuspendPage } from './pages/shutdown-suspend.js';
import { systemStatusPage } from './pages/system-status.js';
import { trainerPage } from './pages/trainer.js';
import type { GuiPage } from './page.js';

export const GUI_PAGES: readonly GuiPage[] = [
  systemStatusPage,
  deliveryStatusPage,
  hostDetailPage,
  ...NOT_YET_PAGES,
  shutdownSuspendPage,
  commitPage,
  trainerPage,
];
