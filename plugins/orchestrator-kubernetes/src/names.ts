/**
 * Names of the Kubernetes objects this plugin makes. Pure and deterministic: the same inputs give
 * the same names, which is what lets a restarted engine find its Jobs and claims again.
 */
import { createHash } from 'node:crypto';
import type { JobSpec } from '@containerops/sdk';

/** Longest DNS-1123 label: names of namespaces, and of Jobs (their Pods' `job-name` label). */
export const MAX_NAME_LENGTH = 63;

/** Where the run's workspace is mounted in every job's container. */
export const WORKSPACE_PATH = '/workspace';

/** Name of the job's one container in its Pod. */
export const CONTAINER_NAME = 'job';

/** Label on workspace claims naming the run whose workspace it is. */
export const WORKSPACE_LABEL = 'containerops.workspace';

/** Annotation on Jobs keeping the job's image reference as the workflow wrote it. */
export const IMAGE_ANNOTATION = 'containerops.image';

/**
 * `text` as a DNS-1123 label of at most `max` characters (lower-case alphanumerics and `-`,
 * alphanumeric at both ends). Text that already is one stays as it is; anything else is
 * lower-cased, cleaned and given a short hash of the original, so two different originals do not
 * end up with one name.
 */
export function dnsLabel(text: string, max = MAX_NAME_LENGTH): string {
  if (text.length <= max && /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/.test(text)) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max - hash.length - 1)
    .replace(/-+$/, '');
  return cleaned === '' ? hash : `${cleaned}-${hash}`;
}

/**
 * The Job of one attempt is named after the attempt id, which the engine already makes a
 * DNS-1123 label of at most 63 characters (`engine/ids.ts`); ids differ across runs and attempts.
 */
export function jobName(job: Pick<JobSpec, 'id'>): string {
  return dnsLabel(job.id);
}

/** The PersistentVolumeClaim holding a run's workspace. */
export function workspaceClaimName(runId: string): string {
  return dnsLabel(`co-ws-${runId}`);
}

/** The namespace of a workflow when each workflow gets its own: `<prefix>-<workflow>`. */
export function workflowNamespace(prefix: string, workflow: string): string {
  return dnsLabel(`${prefix}-${workflow}`);
}
