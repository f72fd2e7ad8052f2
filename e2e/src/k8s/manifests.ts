/**
 * The manifests of `deploy/kubernetes/`, read as the API server will see them, and where each
 * kind is created (found by API discovery, so the tests hard-code no resource paths).
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeHttp } from './kube-http.js';

export const deployDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'deploy',
  'kubernetes',
);

/** A Kubernetes object as plain JSON, with the file it came from. */
export interface Manifest {
  readonly file: string;
  readonly object: ManifestObject;
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Every object of every `*.yaml` in deploy/kubernetes except kustomization.yaml, in file order. */
export async function readManifests(): Promise<Manifest[]> {
  const files = (await readdir(deployDir))
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .sort();
  const out: Manifest[] = [];
  for (const file of files) {
    // Plain YAML, not client-node's typed loader: that one drops fields its models do not know,
    // so a misspelled field would never reach the API server's strict validation.
    for (const doc of parseAllDocuments(await readFile(join(deployDir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      out.push({ file, object: value as ManifestObject });
    }
  }
  return out;
}

/** A deep copy, so a test can edit one object without touching the others. */
export function copyOf(object: ManifestObject): ManifestObject {
  return structuredClone(object);
}

/** Where objects of one kind are created. */
export interface KindPath {
  /** `/api/v1` or `/apis/<group>/<version>`. */
  readonly base: string;
  /** The plural resource name. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** Finds a kind's resource by API discovery (`GET /api/v1`, `GET /apis/<group>/<version>`). */
export async function kindPath(
  kube: KubeHttp,
  apiVersion: string,
  kind: string,
): Promise<KindPath> {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const discovery = await kube.call('GET', base);
  if (discovery.status !== 200)
    throw new Error(`discovery of ${base}: ${discovery.status} ${JSON.stringify(discovery.body)}`);
  const resources = discovery.body['resources'] as
    { name: string; kind: string; namespaced: boolean }[] | undefined;
  const match = resources?.find((r) => r.kind === kind && !r.name.includes('/'));
  if (match === undefined) throw new Error(`the API server has no ${kind} in ${apiVersion}`);
  return { base, resource: match.name, namespaced: match.namespaced };
}

/** The collection URL an object is POSTed to. */
export function collectionPath(where: KindPath, namespace: string): string {
  return where.namespaced
    ? `${where.base}/namespaces/${namespace}/${where.resource}`
    : `${where.base}/${where.resource}`;
}
