/**
 * The engine's normalised resources (millicores, bytes) as Kubernetes quantities. The 2017 flow's
 * `cpu: 2` and `memory: 4G` reach the plugin already parsed by core (`definition/unit-fields.ts`:
 * 2000 millicores, 4 000 000 000 bytes); here they only need writing the way the API reads them
 * without rounding: whole CPUs as `2`, fractions as millicores (`500m`), memory as plain bytes.
 */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { ResourceRequirements } from '@containerops/sdk';

/** `2000` → `"2"`, `500` → `"500m"`; Kubernetes' smallest CPU unit is 1m, so fractions round up. */
export function cpuQuantity(millis: number): string {
  const m = Math.max(1, Math.ceil(millis));
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Bytes as a plain integer quantity (`4000000000`): exact, unlike a rounded `4G`/`4Gi`. */
export function memoryQuantity(bytes: number): string {
  return String(Math.max(1, Math.ceil(bytes)));
}

/**
 * Requests and limits of the job's container. A request stays a request and a limit a limit
 * (neither is invented from the other); Kubernetes then defaults a missing request to its limit.
 * Returns undefined when the job asks for nothing, so the namespace's LimitRange applies.
 */
export function containerResources(
  resources: ResourceRequirements,
): V1ResourceRequirements | undefined {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (resources.cpuMillis !== undefined && resources.cpuMillis > 0)
    requests['cpu'] = cpuQuantity(resources.cpuMillis);
  if (resources.memoryBytes !== undefined && resources.memoryBytes > 0)
    requests['memory'] = memoryQuantity(resources.memoryBytes);
  if (resources.cpuLimitMillis !== undefined && resources.cpuLimitMillis > 0)
    limits['cpu'] = cpuQuantity(resources.cpuLimitMillis);
  if (resources.memoryLimitBytes !== undefined && resources.memoryLimitBytes > 0)
    limits['memory'] = memoryQuantity(resources.memoryLimitBytes);
  const out: V1ResourceRequirements = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return out.requests === undefined && out.limits === undefined ? undefined : out;
}
