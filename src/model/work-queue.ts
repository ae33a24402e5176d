// The work queue as `workqueue` shows it: its status lines, the rate rows, and its resource
// conservation limit. Pure.
import type { ApplianceConfig } from './config.js';

/** Messages the work queue may hold before receiving is suspended (resource conservation); it resumes below half. */
export const WORK_QUEUE_LIMIT = 10_000;

export const workQueueLimit = (config: Pick<ApplianceConfig, 'workQueueLimit'>): number => config.workQueueLimit ?? WORK_QUEUE_LIMIT;

/** `Operational`, or `Paused by admin: <reason>`. */
export const workQueueState = (paused: { reason: string } | undefined): string => (paused ? `Paused by admin: ${paused.reason}` : 'Operational');
