import { describe, expect, it } from 'vitest';
import { kubectlPathProblem } from './kubectl-field.js';
import { parseWorkflow } from './parse-workflow.js';
import type { ParseOptions } from './parse-result.js';

/** A one-job workflow; the job's fields start on line 8, column 13. */
function withJob(...lines: string[]): string {
  const fields = lines.map((line, i) => `${i === 0 ? '          - ' : '            '}${line}`);
  return `uri: a/b/c\nstages:\n  - type: normal\n    name: s\n    actions:\n      - name: a\n        jobs:\n${fields.join('\n')}\n`;
}

const docker: ParseOptions = { orchestrator: { name: 'docker', jobOptions: [] } };
const kubernetes: ParseOptions = { orchestrator: { name: 'kubernetes', jobOptions: ['kubectl'] } };

const diagnostics = (source: string, options: ParseOptions = {}) =>
  parseWorkflow(source, options).diagnostics.map(
    (d) => `${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`,
  );

describe('kubectl path', () => {
  it('accepts plain relative paths under the flow directory', () => {
    expect(kubectlPathProblem('pod.yaml')).toBeUndefined();
    expect(kubectlPathProblem('deploy/pod.yaml')).toBeUndefined();
    expect(kubectlPathProblem('./deploy/..pod.yaml')).toBeUndefined();
  });

  it('refuses absolute paths and .. escapes with the position of the value', () => {
    expect(diagnostics(withJob('endpoint: a/b:1', 'kubectl: /etc/passwd'))).toEqual([
      `9:22 error invalid-value: kubectl "/etc/passwd" is an absolute path: name the manifest relative to the flow file's directory`,
    ]);
    expect(diagnostics(withJob('endpoint: a/b:1', 'kubectl: deploy/../../pod.yaml'))).toEqual([
      `9:22 error invalid-value: kubectl "deploy/../../pod.yaml" leaves the flow file's directory through "..": only files under it are read`,
    ]);
    expect(kubectlPathProblem('C:\\pods\\pod.yaml')).toContain('absolute');
    expect(kubectlPathProblem('a\\..\\..\\pod.yaml')).toContain('".."');
  });
});

describe('kubectl and the orchestrator', () => {
  it('says nothing when the orchestrator is not known (the path is kept)', () => {
    const source = withJob('endpoint: a/b:1', 'kubectl: pod.yaml');
    expect(diagnostics(source)).toEqual([]);
  });

  it('warns at the key that an orchestrator without manifests ignores kubectl', () => {
    const source = withJob('endpoint: a/b:1', 'kubectl: pod.yaml');
    expect(diagnostics(source, docker)).toEqual([
      '9:13 warning kubectl-ignored: kubectl is ignored on the docker orchestrator: only kubernetes applies manifests; the job runs its endpoint image',
    ]);
    expect(diagnostics(source, kubernetes)).toEqual([]);
  });

  it('names kubectl, not a missing image, for a kubectl-only job that cannot run', () => {
    const source = withJob('kubectl: pod.yaml');
    const found = diagnostics(source, docker);
    expect(found).toContain(
      '8:13 error kubectl-unsupported: kubectl is ignored on the docker orchestrator: only kubernetes applies manifests, and this job has no "endpoint" image to run instead',
    );
    expect(found.join('\n')).not.toContain('missing-image');
    // Without an orchestrator the error keeps its code (tools match on it) and names kubectl.
    expect(diagnostics(source).join('\n')).toContain(
      'missing-image: a component job needs "endpoint" (an image), "component" or "command": a "kubectl" manifest alone',
    );
  });

  it('accepts a kubectl-only job on an orchestrator that reads kubectl', () => {
    const result = parseWorkflow(withJob('kubectl: pod.yaml'), kubernetes);
    expect(result.diagnostics).toEqual([]);
    expect(result.workflow?.stages[0]?.actions[0]?.jobs[0]?.kubectl).toBe('pod.yaml');
  });

  it('carries the manifest text the reader returns, and reports one it cannot find', () => {
    const read: string[] = [];
    const readManifest = (path: string): string | undefined => {
      read.push(path);
      return path === 'deploy/pod.yaml' ? 'kind: Pod\n' : undefined;
    };
    const found = parseWorkflow(withJob('kubectl: deploy/pod.yaml'), {
      ...kubernetes,
      readManifest,
    });
    expect(found.workflow?.stages[0]?.actions[0]?.jobs[0]?.kubectlManifest).toBe('kind: Pod\n');
    expect(diagnostics(withJob('kubectl: nope.yaml'), { ...kubernetes, readManifest })).toEqual([
      '8:22 error invalid-value: kubectl manifest "nope.yaml" cannot be read next to the flow file',
    ]);
    // An escaping path is refused before any read, and nothing is read on docker.
    diagnostics(withJob('endpoint: a/b:1', 'kubectl: ../x.yaml'), { ...kubernetes, readManifest });
    diagnostics(withJob('endpoint: a/b:1', 'kubectl: x.yaml'), { ...docker, readManifest });
    expect(read).toEqual(['deploy/pod.yaml', 'nope.yaml']);
  });

  it("reports, at the value, why a reader that can read no file refused (the server's case)", () => {
    const readManifest = (): string => {
      throw new Error('the server keeps no files next to a workflow');
    };
    expect(diagnostics(withJob('kubectl: pod.yaml'), { ...kubernetes, readManifest })).toEqual([
      '8:22 error invalid-value: the server keeps no files next to a workflow',
    ]);
  });
});
