/**
 * RBAC rules and the plugin's API calls as one comparable form, `verb group resource[/sub]`, so
 * a test can say a Role grants exactly the calls in `kubernetesApiCalls`.
 */
import type { KubernetesApiCall } from '@containerops/orchestrator-kubernetes';

/** One `rules:` entry of a Role or ClusterRole (the fields these manifests use). */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** `verb group resource` (resource with `/subresource` when there is one), e.g. `get  pods/log`. */
export function permission(verb: string, group: string, resource: string): string {
  return `${verb} ${group} ${resource}`;
}

/** The permission a plugin call needs. */
export function callPermission(call: KubernetesApiCall): string {
  const resource =
    call.subresource === undefined ? call.resource : `${call.resource}/${call.subresource}`;
  return permission(call.verb, call.group, resource);
}

/**
 * Every permission the rules grant, expanded. Wildcards, resourceNames and nonResourceURLs are
 * refused outright: a Role for the plugin must name what it grants.
 */
export function grantedPermissions(rules: readonly PolicyRule[]): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    const parts = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
    if (parts.includes('*')) throw new Error(`wildcard in rule ${JSON.stringify(rule)}`);
    if (rule.resourceNames !== undefined || rule.nonResourceURLs !== undefined)
      throw new Error(`resourceNames/nonResourceURLs in rule ${JSON.stringify(rule)}`);
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs) out.add(permission(verb, group, resource));
  }
  return out;
}
