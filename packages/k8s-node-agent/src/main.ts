import path from 'node:path';
import { parseArgs } from 'node:util';
import { startNodeAgent } from './agent.js';
import type { NodeTaint } from './node-registration.js';

const usage = `containerops-k8s-node-agent: a kubelet stand-in for the test control plane (tests only)

Options (defaults in brackets; each also reads the environment variable named after it):
  --kubeconfig FILE     the agent's identity        [$KUBECONFIG, else <services>/k8s/admin.kubeconfig]
  --node-name NAME      the Node to register        [$CONTAINEROPS_K8S_NODE_NAME, containerops-node]
  --state-dir DIR       pods' files and volumes     [<services>/k8s/node/<name>]
  --port PORT           kubelet API (logs) port     [10250]
  --tls-cert FILE       kubelet serving certificate [<services>/k8s/pki/node-agent.crt]
  --tls-key FILE        its key                     [<services>/k8s/pki/node-agent.key]
  --client-ca FILE      CA of the API server's client certificate [<services>/k8s/pki/ca.crt]
  --taint KEY=VALUE:EFFECT   a taint on the Node (repeatable)
  --no-provisioner      do not serve the containerops-local StorageClass
  --deregister          delete the Node on SIGTERM/SIGINT
where <services> is $CONTAINEROPS_SERVICES_DIR or /var/lib/containerops-test-services.
`;

/** The command: parses options, starts the agent, stops it on SIGTERM/SIGINT. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      'state-dir': { type: 'string' },
      port: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      taint: { type: 'string', multiple: true },
      'no-provisioner': { type: 'boolean' },
      deregister: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(usage);
    return 0;
  }
  const services = path.join(
    process.env['CONTAINEROPS_SERVICES_DIR'] ?? '/var/lib/containerops-test-services',
    'k8s',
  );
  const nodeName =
    values['node-name'] ?? process.env['CONTAINEROPS_K8S_NODE_NAME'] ?? 'containerops-node';
  const agent = await startNodeAgent({
    kubeconfig:
      values.kubeconfig ?? process.env['KUBECONFIG'] ?? path.join(services, 'admin.kubeconfig'),
    nodeName,
    stateDir: values['state-dir'] ?? path.join(services, 'node', nodeName),
    kubeletPort: Number(values.port ?? '10250'),
    tls: {
      certFile: values['tls-cert'] ?? path.join(services, 'pki', 'node-agent.crt'),
      keyFile: values['tls-key'] ?? path.join(services, 'pki', 'node-agent.key'),
      clientCaFile: values['client-ca'] ?? path.join(services, 'pki', 'ca.crt'),
    },
    provisioner: values['no-provisioner'] !== true,
    deregisterOnStop: values.deregister === true,
    taints: (values.taint ?? []).map(parseTaint),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await agent.stop();
  return 0;
}

/** `key=value:Effect` or `key:Effect`. */
export function parseTaint(text: string): NodeTaint {
  const match = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(text);
  if (match === null) throw new Error(`--taint ${text}: expected KEY=VALUE:EFFECT`);
  return {
    key: match[1] ?? '',
    ...(match[2] === undefined ? {} : { value: match[2] }),
    effect: match[3] as NodeTaint['effect'],
  };
}
