import { InitialSchema1767225600000 } from './0001-initial-schema.js';
import { KeptWorkspaces1767312000000 } from './0002-kept-workspaces.js';
import { WebhookReplay1767571200000 } from './0003-webhook-replay.js';

/** Every migration, oldest first. Add new ones at the end; never edit a released one. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  KeptWorkspaces1767312000000,
  WebhookReplay1767571200000,
];
