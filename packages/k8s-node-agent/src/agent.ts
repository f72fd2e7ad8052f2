import { readFile } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { labels } from './container-spec.js';
import { DockerRuntime } from './docker-runtime.js';
import { KubeClient } from './kube-client.js';
import type { Pod } from './kube-types.js';
import { ListWatcher } from './list-watcher.js';
import { LogServer } from './log-server.js';
import type { NodeTaint } from './node-registration.js';
import { NodeRegistration } from './node-registration.js';
import { PodWorker } from './pod-worker.js';
import type { PodWorkerContext } from './pod-worker.js';
import { removePodDir } from './pod-volumes.js';
import { HostPathProvisioner } from './provisioner.js';

/** Everything {@link startNodeAgent} needs. */
export interface NodeAgentOptions {
  /** Kubeconfig of the agent's identity (the test cluster's admin kubeconfig; see the README). */
  kubeconfig: string;
  nodeName: string;
  /** Host directory for pods' files and provisioned volumes (must be visible to the Docker engine). */
  stateDir: string;
  /** The kubelet API port (logs); 0 picks a free one. */
  kubeletPort: number;
  /** PEM files: the kubelet serving certificate and key, and the CA of the API server's client certificate. */
  tls: { certFile: string; keyFile: string; clientCaFile: string };
  /** Common names allowed to call the kubelet API (default: `kube-apiserver-kubelet-client`). */
  allowedClients?: readonly string[];
  dockerSocket?: string;
  /** Run the hostPath provisioner of the `containerops-local` StorageClass (default true). */
  provisioner?: boolean;
  nodeLabels?: Record<string, string>;
  taints?: NodeTaint[];
  /** Delete the Node on stop (test agents; default false: a stopped node turns NotReady like a kubelet's). */
  deregisterOnStop?: boolean;
  log?: (message: string) => void;
}

/** A running agent. */
export interface NodeAgent {
  readonly nodeName: string;
  readonly kubeletPort: number;
  /**
   * Stops watching, heartbeats and the log server. Pod containers keep running (a restarted
   * agent takes them over); with `deregisterOnStop` the Node is deleted.
   */
  stop(): Promise<void>;
}

const heartbeatMs = 10_000;
const nodeStatusMs = 60_000;
/** A safety net beside the watch and Docker's events: every pod is looked at this often. */
const resyncMs = 10_000;

/**
 * Starts the node agent: the kubelet API (logs) on `kubeletPort`, the Node with its Lease
 * heartbeats, the pod watch (pods with `spec.nodeName` = this node) feeding one
 * {@link PodWorker} per pod, Docker's container events, and the provisioner. On start it removes
 * its containers and pod directories whose Pod no longer exists (deleted while it was down).
 */
export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const log =
    options.log ?? ((message: string) => process.stderr.write(`[k8s-node-agent] ${message}\n`));
  const client = await KubeClient.fromKubeconfig(options.kubeconfig);
  const runtime = new DockerRuntime(options.nodeName, options.dockerSocket);
  const version = await runtime.docker.version();
  const logServer = new LogServer(runtime, {
    cert: await readFile(options.tls.certFile),
    key: await readFile(options.tls.keyFile),
    clientCa: await readFile(options.tls.clientCaFile),
    allowedClients: options.allowedClients ?? ['kube-apiserver-kubelet-client'],
  });
  const kubeletPort = await logServer.listen(options.kubeletPort);
  const registration = new NodeRegistration(client, {
    nodeName: options.nodeName,
    kubeletPort,
    runtimeVersion: version.Version,
    ...(options.nodeLabels === undefined ? {} : { labels: options.nodeLabels }),
    ...(options.taints === undefined ? {} : { taints: options.taints }),
  });
  await registration.register();

  const context: PodWorkerContext = {
    client,
    runtime,
    nodeName: options.nodeName,
    stateDir: options.stateDir,
    log,
  };
  const workers = new Map<string, PodWorker>();
  const upsert = (pod: Pod): void => {
    const worker = workers.get(pod.metadata.uid);
    if (worker === undefined) {
      const created = new PodWorker(pod, context);
      workers.set(pod.metadata.uid, created);
      created.kick();
    } else worker.update(pod);
  };
  const remove = (uid: string): void => {
    workers.get(uid)?.gone();
  };
  const forget = (): void => {
    for (const [uid, worker] of workers) if (worker.finished) workers.delete(uid);
  };

  let initialList: Pod[] = [];
  const pods = new ListWatcher<Pod>(
    client,
    `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${options.nodeName}`)}`,
    {
      onList: (items) => {
        initialList = items;
        const present = new Set(items.map((pod) => pod.metadata.uid));
        for (const uid of workers.keys()) if (!present.has(uid)) remove(uid);
        items.forEach(upsert);
      },
      onEvent: (type, pod) => (type === 'DELETED' ? remove(pod.metadata.uid) : upsert(pod)),
      onError: (error) => log(`pod watch: ${(error as Error).message}`),
    },
  );
  await pods.start();
  await removeOrphans(
    runtime,
    options.stateDir,
    new Set(initialList.map((pod) => pod.metadata.uid)),
    log,
  );

  const provisioner =
    options.provisioner === false
      ? undefined
      : new HostPathProvisioner(client, path.join(options.stateDir, 'volumes'), log);
  await provisioner?.start();

  const events = watchDockerEvents(runtime, (uid) => workers.get(uid)?.kick(), log);
  const timers = [
    setInterval(
      () =>
        registration
          .heartbeat()
          .catch((error: unknown) => log(`lease: ${(error as Error).message}`)),
      heartbeatMs,
    ),
    setInterval(
      () =>
        registration
          .updateStatus()
          .catch((error: unknown) => log(`node status: ${(error as Error).message}`)),
      nodeStatusMs,
    ),
    setInterval(() => {
      forget();
      for (const worker of workers.values()) worker.kick();
    }, resyncMs),
  ];
  log(`node ${options.nodeName} registered; kubelet API on https://127.0.0.1:${kubeletPort}`);

  return {
    nodeName: options.nodeName,
    kubeletPort,
    async stop() {
      timers.forEach(clearInterval);
      events.stop();
      await pods.stop();
      await provisioner?.stop();
      for (const worker of workers.values()) worker.stop();
      await Promise.all([...workers.values()].map((worker) => worker.idle()));
      await logServer.close();
      if (options.deregisterOnStop === true) await registration.deregister();
    },
  };
}

/** Containers and pod directories of pods deleted while the agent was down. */
async function removeOrphans(
  runtime: DockerRuntime,
  stateDir: string,
  live: ReadonlySet<string>,
  log: (message: string) => void,
): Promise<void> {
  for (const info of await runtime.list()) {
    const uid = info.Config.Labels[labels.podUid];
    if (uid !== undefined && !live.has(uid)) {
      log(`removing container ${info.Name} of deleted pod ${uid}`);
      await runtime.remove(info.Id);
    }
  }
  const dirs = await readdir(path.join(stateDir, 'pods')).catch(() => [] as string[]);
  for (const uid of dirs) if (!live.has(uid)) await removePodDir(stateDir, uid);
}

/** Docker's die/start/oom events of the node's containers → the pod uid; reconnects until stopped. */
function watchDockerEvents(
  runtime: DockerRuntime,
  onPod: (uid: string) => void,
  log: (message: string) => void,
): { stop(): void } {
  let stopped = false;
  let current: NodeJS.ReadableStream | undefined;
  const connect = async (): Promise<void> => {
    while (!stopped) {
      try {
        const stream = await runtime.docker.getEvents({
          filters: {
            type: ['container'],
            event: ['start', 'die', 'oom'],
            label: [`${labels.node}=${runtime.nodeName}`],
          },
        });
        current = stream;
        let buffered = '';
        for await (const chunk of stream) {
          buffered += chunk.toString();
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            const uid = (JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } })
              .Actor?.Attributes?.[labels.podUid];
            if (uid !== undefined) onPod(uid);
          }
        }
      } catch (error) {
        if (!stopped) log(`docker events: ${(error as Error).message}`);
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void connect();
  return {
    stop() {
      stopped = true;
      (current as { destroy?: () => void } | undefined)?.destroy?.();
    },
  };
}
