import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListWatcher } from '../src/list-watcher.js';
import type { KubeObject } from '../src/list-watcher.js';
import { requireKubernetes } from '../src/testing/require-kubernetes.js';
import { KubeClient, createNamespace, deleteNamespace, unique, waitFor } from './cluster.js';

const k8s = await requireKubernetes({ nodeName: false });

/** The watch against the real API server: ended by the server, resumed; too old, listed again. */
describe.skipIf(!k8s.available)('ListWatcher on the real API server', () => {
  const ns = `co-agent-watch-${unique()}`;
  let client: KubeClient;

  beforeAll(async () => {
    client = await KubeClient.fromKubeconfig(k8s.kubeconfig);
    await createNamespace(client, ns);
  });
  afterAll(async () => {
    if (client !== undefined) await deleteNamespace(client, ns);
  });

  const createMap = (name: string): Promise<unknown> =>
    client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
    });
  const names = (items: KubeObject[]): string[] =>
    items.map((item) => item.metadata?.name ?? '').filter((name) => name.startsWith('m-'));

  it('resumes from the last resourceVersion each time the server ends the watch, without listing again', async () => {
    const lists: string[][] = [];
    const added: string[] = [];
    // timeoutSeconds=1: the API server ends every watch after a second.
    const watcher = new ListWatcher<KubeObject>(
      client,
      `/api/v1/namespaces/${ns}/configmaps?timeoutSeconds=1`,
      {
        onList: (items) => lists.push(names(items)),
        // Only ours: the root-CA publisher adds kube-root-ca.crt to every new namespace.
        onEvent: (type, object) => type === 'ADDED' && added.push(...names([object])),
      },
    );
    await createMap('m-before');
    await watcher.start();
    try {
      await createMap('m-1');
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // at least two watches end meanwhile
      await createMap('m-2');
      await waitFor('both ADDED events', 20_000, async () =>
        added.includes('m-2') ? true : undefined,
      );
    } finally {
      await watcher.stop();
    }
    expect(lists).toEqual([['m-before']]);
    expect(added).toEqual(['m-1', 'm-2']);
  }, 60_000);

  it('lists again when its resourceVersion is too old (410 Gone)', async () => {
    const lists: string[][] = [];
    // Version 1 is long gone from the server's watch cache: the watch answers 410 Expired.
    const watcher = new ListWatcher<KubeObject>(
      client,
      `/api/v1/namespaces/${ns}/configmaps`,
      { onList: (items) => lists.push(names(items)), onEvent: () => undefined },
      { resumeFrom: '1' },
    );
    await watcher.start();
    try {
      await waitFor('a list after 410', 20_000, async () => (lists.length > 0 ? true : undefined));
    } finally {
      await watcher.stop();
    }
    expect(lists[0]).toEqual(expect.arrayContaining(['m-before']));
  }, 60_000);
});
