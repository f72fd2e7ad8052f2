import { mkdir, chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import type { KubeClient } from './kube-client.js';
import { isStatus } from './kube-client.js';
import { ListWatcher } from './list-watcher.js';

/** The annotation that makes a StorageClass the cluster's default. */
const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';

/** The StorageClass the agent serves. */
export const storageClassName = 'containerops-local';
/** The provisioner name on the StorageClass and on the PVs this agent makes. */
export const provisionerName = 'containerops.dev/local-hostpath';

interface Claim {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  spec: {
    storageClassName?: string;
    volumeName?: string;
    accessModes?: string[];
    resources?: { requests?: Record<string, string> };
  };
  status?: { phase?: string };
}

interface Volume {
  metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec: { hostPath?: { path: string } };
  status?: { phase?: string };
}

/**
 * A tiny dynamic provisioner, because the real scheduler does not place a Pod whose claim is
 * unbound: creates the `containerops-local` StorageClass (Immediate binding), and for every
 * Pending claim of that class a hostPath PersistentVolume (a directory under `<dir>/<pv name>`)
 * pre-bound to it by claimRef, so the real PV controller binds the two. When a claim is deleted
 * its volume is Released: the directory and the PV are deleted (reclaim policy Delete, done by
 * the provisioner, as for every out-of-tree provisioner).
 */
export class HostPathProvisioner {
  private readonly claims: ListWatcher<Claim>;
  private readonly volumes: ListWatcher<Volume>;

  constructor(
    private readonly client: KubeClient,
    private readonly dir: string,
    private readonly log: (message: string) => void,
  ) {
    const onClaim = (claim: Claim): void =>
      void this.provision(claim).catch((error: unknown) => this.fail(error));
    const onVolume = (volume: Volume): void =>
      void this.reclaim(volume).catch((error: unknown) => this.fail(error));
    this.claims = new ListWatcher<Claim>(client, '/api/v1/persistentvolumeclaims', {
      onList: (items) => items.forEach(onClaim),
      onEvent: (type, claim) => type !== 'DELETED' && onClaim(claim),
      onError: (error) => this.fail(error),
    });
    this.volumes = new ListWatcher<Volume>(client, '/api/v1/persistentvolumes', {
      onList: (items) => items.forEach(onVolume),
      onEvent: (type, volume) => type !== 'DELETED' && onVolume(volume),
      onError: (error) => this.fail(error),
    });
  }

  async start(): Promise<void> {
    // The cluster's default class: a claim that names no class (`containerops run -o kubernetes`
    // passes no orchestrator settings) gets this one from the DefaultStorageClass admission
    // plugin, instead of staying Pending for ever.
    const annotations = { [defaultClassAnnotation]: 'true' };
    try {
      await this.client.request('POST', '/apis/storage.k8s.io/v1/storageclasses', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: storageClassName, annotations },
        provisioner: provisionerName,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      // Made by an older agent: mark it the default too.
      await this.client.request(
        'PATCH',
        `/apis/storage.k8s.io/v1/storageclasses/${storageClassName}`,
        { metadata: { annotations } },
        'merge',
      );
    }
    await this.claims.start();
    await this.volumes.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.claims.stop(), this.volumes.stop()]);
  }

  private fail(error: unknown): void {
    this.log(`provisioner: ${(error as Error).message}`);
  }

  private async provision(claim: Claim): Promise<void> {
    if (claim.spec.storageClassName !== storageClassName || claim.status?.phase !== 'Pending')
      return;
    if (claim.spec.volumeName !== undefined && claim.spec.volumeName !== '') return;
    const name = `pvc-${claim.metadata.uid}`;
    const hostPath = path.join(this.dir, name);
    await mkdir(hostPath, { recursive: true });
    await chmod(hostPath, 0o777);
    try {
      await this.client.request('POST', '/api/v1/persistentvolumes', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': provisionerName } },
        spec: {
          capacity: { storage: claim.spec.resources?.requests?.['storage'] ?? '1Gi' },
          accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName,
          hostPath: { path: hostPath, type: 'DirectoryOrCreate' },
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            namespace: claim.metadata.namespace,
            name: claim.metadata.name,
            uid: claim.metadata.uid,
          },
        },
      });
      this.log(
        `provisioner: created ${name} for claim ${claim.metadata.namespace}/${claim.metadata.name}`,
      );
    } catch (error) {
      if (!isStatus(error, 409)) throw error; // another agent made it first
    }
  }

  private async reclaim(volume: Volume): Promise<void> {
    if (volume.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] !== provisionerName)
      return;
    if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') return;
    if (volume.metadata.deletionTimestamp !== undefined) return; // already being deleted
    const hostPath = volume.spec.hostPath?.path;
    // Only a directory this provisioner made (under its own dir) is ever deleted.
    if (hostPath !== undefined && path.dirname(hostPath) === this.dir)
      await rm(hostPath, { recursive: true, force: true });
    try {
      await this.client.request('DELETE', `/api/v1/persistentvolumes/${volume.metadata.name}`);
      this.log(`provisioner: deleted released ${volume.metadata.name}`);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
}
