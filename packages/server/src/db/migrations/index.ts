import { InitialSchema1767225600000 } from './0001-initial-schema.js';
import { KeptWorkspaces1767312000000 } from './0002-kept-workspaces.js';
import { WebhookReplay1767571200000 } from './0003-webhook-replay.js';
import { TriggersAndNotifications1767744000000 } from './0004-triggers-and-notifications.js';
import { RunsCreatedIndex1767830400000 } from './0005-runs-created-index.js';
import { DeliveryRequests1767916800000 } from './0006-delivery-requests.js';
import { JobAttempts1768003200000 } from './0007-job-attempts.js';
import { RunLeases1768089600000 } from './0008-run-leases.js';

/** Every migration, oldest first. Add new ones at the end; never edit a released one. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  KeptWorkspaces1767312000000,
  WebhookReplay1767571200000,
  TriggersAndNotifications1767744000000,
  RunsCreatedIndex1767830400000,
  DeliveryRequests1767916800000,
  JobAttempts1768003200000,
  RunLeases1768089600000,
];
