/** The one-job workflow a debug run of a component executes (`RunService.debugComponent`). */
import { stringify } from 'yaml';

export function debugWorkflowSource(
  organization: string,
  component: string,
  version: string | undefined,
  inputs: Readonly<Record<string, string>>,
): string {
  const ref = version === undefined ? component : `${component}@${version}`;
  const shortName = component.split('/').at(-1) ?? 'component';
  return stringify({
    uri: `${organization}/debug/${shortName}`,
    title: `Debug run of ${ref}`,
    stages: [
      { type: 'start', name: 'start' },
      {
        type: 'normal',
        name: 'debug',
        actions: [
          { name: 'run', jobs: [{ name: shortName, component: ref, inputs: { ...inputs } }] },
        ],
      },
      { type: 'end', name: 'end' },
    ],
  });
}
