/**
 * Issue 12, item 3: the Role of deploy/kubernetes grants exactly the calls the `kubernetes`
 * orchestrator makes (`kubernetesApiCalls`), no more: compared rule by rule, then asked of the
 * real API server's RBAC authorizer (SubjectAccessReview as the server's service account) for
 * every call (allowed) and for every other verb on the resources around them (denied). The same
 * for the optional cluster-role.yaml (`namespacePerWorkflow`).
 */
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { kubernetesApiCalls } from '@containerops/orchestrator-kubernetes';
import type { KubernetesApiCall } from '@containerops/orchestrator-kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAccountMay } from '../src/k8s/access-review.js';
import type { AccessQuestion } from '../src/k8s/access-review.js';
import { kubeHttp } from '../src/k8s/kube-http.js';
import type { KubeHttp } from '../src/k8s/kube-http.js';
import { copyOf, readManifests } from '../src/k8s/manifests.js';
import type { ManifestObject } from '../src/k8s/manifests.js';
import { callPermission, grantedPermissions, permission } from '../src/k8s/rbac-rules.js';
import type { PolicyRule } from '../src/k8s/rbac-rules.js';
import { createScratchNamespace } from '../src/k8s/scratch-namespace.js';
import type { ScratchNamespace } from '../src/k8s/scratch-namespace.js';

const manifests = (await readManifests()).map((m) => m.object);
const calls: readonly KubernetesApiCall[] = Object.values(kubernetesApiCalls);
const namespacedCalls = calls.filter((c) => c.cluster !== true);
const clusterCalls = calls.filter((c) => c.cluster === true);

function object(kind: string, name: string): ManifestObject {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`deploy/kubernetes has no ${kind}/${name}`);
  return found;
}
const rulesOf = (o: ManifestObject): PolicyRule[] => o['rules'] as PolicyRule[];
const permissionsOf = (list: readonly KubernetesApiCall[]): string[] =>
  [...new Set(list.map(callPermission))].sort();

const role = object('Role', 'containerops-server');
const clusterRole = object('ClusterRole', 'containerops-server-cluster');
const workflowRole = object('ClusterRole', 'containerops-server-workflow');
const account = object('ServiceAccount', 'containerops-server');

describe('deploy/kubernetes RBAC against kubernetesApiCalls (rules)', () => {
  it('role.yaml grants exactly the namespaced calls', () => {
    expect([...grantedPermissions(rulesOf(role))].sort()).toEqual(permissionsOf(namespacedCalls));
  });
  it('cluster-role.yaml: the cluster ClusterRole grants exactly the cluster-wide calls', () => {
    expect([...grantedPermissions(rulesOf(clusterRole))].sort()).toEqual(
      permissionsOf(clusterCalls),
    );
  });
  it('cluster-role.yaml: the workflow-namespace ClusterRole has the Role’s rules', () => {
    expect(rulesOf(workflowRole)).toEqual(rulesOf(role));
  });
  it('the bindings give the roles to the server’s service account, which the Deployment uses', () => {
    for (const binding of [
      object('RoleBinding', 'containerops-server'),
      object('ClusterRoleBinding', 'containerops-server-cluster'),
    ]) {
      expect(binding['subjects']).toEqual([
        expect.objectContaining({ kind: 'ServiceAccount', name: account.metadata.name }),
      ]);
    }
    const deployment = manifests.find((m) => m.kind === 'Deployment') as
      | (ManifestObject & { spec: { template: { spec: { serviceAccountName: string } } } })
      | undefined;
    expect(deployment?.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
  });
});

/** Resources around the plugin's, each with every RBAC verb: all must be denied but the calls. */
const probeResources: readonly { group: string; resource: string; subresource?: string }[] = [
  { group: 'batch', resource: 'jobs' },
  { group: 'batch', resource: 'jobs', subresource: 'status' },
  { group: 'batch', resource: 'cronjobs' },
  { group: '', resource: 'pods' },
  { group: '', resource: 'pods', subresource: 'log' },
  { group: '', resource: 'pods', subresource: 'exec' },
  { group: '', resource: 'pods', subresource: 'attach' },
  { group: '', resource: 'persistentvolumeclaims' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'serviceaccounts' },
  { group: '', resource: 'serviceaccounts', subresource: 'token' },
  { group: '', resource: 'services' },
  { group: '', resource: 'namespaces' },
  { group: 'apps', resource: 'deployments' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
];
const probeVerbs = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];

function questionOf(call: KubernetesApiCall, namespace?: string): AccessQuestion {
  return {
    verb: call.verb,
    group: call.group,
    resource: call.resource,
    ...(call.subresource === undefined ? {} : { subresource: call.subresource }),
    ...(namespace === undefined ? {} : { namespace }),
  };
}

/** Every probe the granted set does not contain, in `namespace` (or cluster-wide). */
function ungranted(granted: ReadonlySet<string>, namespace?: string): AccessQuestion[] {
  const out: AccessQuestion[] = [];
  for (const probe of probeResources)
    for (const verb of probeVerbs) {
      const resource =
        probe.subresource === undefined ? probe.resource : `${probe.resource}/${probe.subresource}`;
      if (granted.has(permission(verb, probe.group, resource))) continue;
      out.push({ ...probe, verb, ...(namespace === undefined ? {} : { namespace }) });
    }
  return out;
}

const label = (q: AccessQuestion): string =>
  `${q.verb} ${q.group === '' ? 'core' : q.group}/${q.resource}${q.subresource === undefined ? '' : `/${q.subresource}`} in ${q.namespace ?? '(cluster)'}`;

const k8s = await requireKubernetes({ nodeName: false });

describe.skipIf(!k8s.available)('deploy/kubernetes RBAC on the test control plane', () => {
  let kube: KubeHttp;
  /** The server's namespace (role.yaml applied), a workflow namespace, and an unrelated one. */
  let home: ScratchNamespace;
  let workflow: ScratchNamespace;
  let other: ScratchNamespace;
  const clusterObjects: string[] = [];
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const serviceAccount = (): { namespace: string; name: string } => ({
    namespace: home.name,
    name: account.metadata.name,
  });

  async function create(path: string, body: ManifestObject): Promise<void> {
    const response = await kube.call('POST', path, body);
    if (response.status !== 201)
      throw new Error(
        `create ${body.kind}/${body.metadata.name}: ${JSON.stringify(response.body)}`,
      );
  }

  /** RBAC's authorizer reads roles from an informer: wait until a new grant is visible. */
  async function untilAllowed(question: AccessQuestion): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const answer = await serviceAccountMay(kube, serviceAccount(), question);
      if (answer.allowed) return;
      if (Date.now() > deadline)
        throw new Error(`never allowed: ${label(question)} (${answer.reason})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function expectAll(questions: AccessQuestion[], allowed: boolean): Promise<void> {
    const wrong: string[] = [];
    for (const question of questions) {
      const answer = await serviceAccountMay(kube, serviceAccount(), question);
      if (answer.allowed !== allowed) wrong.push(label(question));
    }
    expect(
      wrong,
      allowed ? 'denied but the plugin calls it' : 'allowed but not a plugin call',
    ).toEqual([]);
  }

  beforeAll(async () => {
    kube = kubeHttp(k8s.kubeconfig);
    home = await createScratchNamespace(kube, 'co-deploy-rbac');
    workflow = await createScratchNamespace(kube, 'co-deploy-wf');
    other = await createScratchNamespace(kube, 'co-deploy-other');
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    await create(`/api/v1/namespaces/${home.name}/serviceaccounts`, copyOf(account));
    await create(`${rbac}/namespaces/${home.name}/roles`, copyOf(role));
    await create(
      `${rbac}/namespaces/${home.name}/rolebindings`,
      copyOf(object('RoleBinding', 'containerops-server')),
    );
    await untilAllowed(questionOf(kubernetesApiCalls.createJob, home.name));
  });

  afterAll(async () => {
    for (const path of clusterObjects) await kube?.call('DELETE', path);
    await Promise.all([home?.delete(), workflow?.delete(), other?.delete()]);
  });

  it('role.yaml: every namespaced call is allowed in the server’s namespace', async () => {
    await expectAll(
      namespacedCalls.map((call) => questionOf(call, home.name)),
      true,
    );
  });

  it('role.yaml: nothing else is allowed there (other verbs, secrets, pods/exec, create pods...)', async () => {
    const denied = ungranted(new Set(namespacedCalls.map(callPermission)), home.name);
    expect(denied.map(label)).toEqual(
      expect.arrayContaining([
        'delete core/secrets in ' + home.name,
        'create core/pods in ' + home.name,
        'create core/pods/exec in ' + home.name,
      ]),
    );
    await expectAll(denied, false);
  });

  it('role.yaml: nothing in another namespace, nothing cluster-wide', async () => {
    await expectAll(
      namespacedCalls.map((call) => questionOf(call, other.name)),
      false,
    );
    await expectAll(
      clusterCalls.map((call) => questionOf(call)),
      false,
    );
  });

  it('cluster-role.yaml: the cluster-wide calls, and the calls in a bound workflow namespace', async () => {
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    // Unique names: ClusterRoles are cluster-scoped and another run may be using the real ones.
    const clusterName = `${clusterRole.metadata.name}-${suffix}`;
    const workflowName = `${workflowRole.metadata.name}-${suffix}`;
    const renamed = (o: ManifestObject, name: string): ManifestObject => {
      const copy = copyOf(o);
      copy.metadata.name = name;
      return copy;
    };
    await create(`${rbac}/clusterroles`, renamed(clusterRole, clusterName));
    clusterObjects.push(`${rbac}/clusterroles/${clusterName}`);
    await create(`${rbac}/clusterroles`, renamed(workflowRole, workflowName));
    clusterObjects.push(`${rbac}/clusterroles/${workflowName}`);
    const binding = renamed(
      object('ClusterRoleBinding', 'containerops-server-cluster'),
      clusterName,
    );
    (binding['roleRef'] as { name: string }).name = clusterName;
    (binding['subjects'] as { namespace: string }[])[0]!.namespace = home.name;
    await create(`${rbac}/clusterrolebindings`, binding);
    clusterObjects.push(`${rbac}/clusterrolebindings/${clusterName}`);
    // The RoleBinding cluster-role.yaml documents for each workflow namespace.
    await create(`${rbac}/namespaces/${workflow.name}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'containerops-server' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: workflowName },
      subjects: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: home.name }],
    });
    await untilAllowed(questionOf(kubernetesApiCalls.createNamespace));
    await untilAllowed(questionOf(kubernetesApiCalls.createJob, workflow.name));

    await expectAll(
      clusterCalls.map((call) => questionOf(call)),
      true,
    );
    await expectAll(
      namespacedCalls.map((call) => questionOf(call, workflow.name)),
      true,
    );
    // Cluster-wide: only list jobs and get/create namespaces; in the workflow namespace: the
    // Role's calls plus what the cluster-wide list grants everywhere.
    const clusterGranted = new Set(clusterCalls.map(callPermission));
    await expectAll(ungranted(clusterGranted), false);
    await expectAll(
      ungranted(
        new Set([...clusterGranted, ...namespacedCalls.map(callPermission)]),
        workflow.name,
      ),
      false,
    );
    // An unbound namespace still gets nothing but the cluster-wide list.
    await expectAll(ungranted(clusterGranted, other.name), false);
  });
});
