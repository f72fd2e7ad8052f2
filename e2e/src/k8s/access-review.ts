/**
 * Asks the API server's authorizer (RBAC) whether a service account may make one call:
 * a SubjectAccessReview for `system:serviceaccount:<ns>:<name>` with the groups the API server
 * gives every service-account token, i.e. the answer a real request by that account would get.
 */
import type { KubeHttp } from './kube-http.js';

export interface AccessQuestion {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Absent: cluster-wide (all namespaces, or a cluster-scoped resource). */
  readonly namespace?: string;
}

export interface AccessAnswer {
  readonly allowed: boolean;
  readonly reason: string;
}

export async function serviceAccountMay(
  kube: KubeHttp,
  account: { namespace: string; name: string },
  question: AccessQuestion,
): Promise<AccessAnswer> {
  const response = await kube.call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${account.namespace}:${account.name}`,
      groups: [
        'system:serviceaccounts',
        `system:serviceaccounts:${account.namespace}`,
        'system:authenticated',
      ],
      resourceAttributes: {
        verb: question.verb,
        group: question.group,
        resource: question.resource,
        ...(question.subresource === undefined ? {} : { subresource: question.subresource }),
        ...(question.namespace === undefined ? {} : { namespace: question.namespace }),
      },
    },
  });
  if (response.status !== 201)
    throw new Error(
      `SubjectAccessReview failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  const status = response.body['status'] as { allowed?: boolean; reason?: string } | undefined;
  return { allowed: status?.allowed === true, reason: status?.reason ?? '' };
}
