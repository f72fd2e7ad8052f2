import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parse-workflow.js';

/** A workflow whose single job has `body` (lines indented as job fields, without the `- `). */
function withJob(body: string, top = ''): string {
  const fields = body
    .trim()
    .split('\n')
    .map((line) => `            ${line}`)
    .join('\n');
  return `uri: a/b/c\n${top}stages:\n  - type: normal\n    name: s\n    actions:\n      - name: a\n        jobs:\n          - command: make\n${fields}\n`;
}

const job = (source: string) => parseWorkflow(source).workflow?.stages[0]?.actions[0]?.jobs[0];
const problems = (source: string) =>
  parseWorkflow(source).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path ?? ''}`);

describe('environments', () => {
  it('reads the original list-of-single-key-maps form', () => {
    const source = withJob(
      `environments:\n  - CO_DATA: "k=v k2=v2"\n  - GOFLAGS: -mod=vendor`,
      'environments:\n  - A: x\n',
    );
    expect(parseWorkflow(source).workflow?.env).toEqual({ A: 'x' });
    expect(job(source)?.env).toEqual({ CO_DATA: 'k=v k2=v2', GOFLAGS: '-mod=vendor' });
  });

  it('reads the plain map form', () => {
    const source = withJob(
      `environments:\n  CO_DATA: "k=v"\n  DEBUG: true`,
      'environments: { A: x, B: "y" }\n',
    );
    expect(parseWorkflow(source).workflow?.env).toEqual({ A: 'x', B: 'y' });
    expect(job(source)?.env).toEqual({ CO_DATA: 'k=v', DEBUG: 'true' });
  });

  it('stringifies scalars exactly as written, and null as empty', () => {
    const source = withJob(`environments:\n  V: 1.10\n  N: 007\n  B: false\n  E:\n  H: 0x1F`);
    expect(job(source)?.env).toEqual({ V: '1.10', N: '007', B: 'false', E: '', H: '0x1F' });
  });

  it('refuses invalid names, nested values and bad shapes', () => {
    const source = withJob(
      `environments:\n  - 1BAD: x\n  - my-var: y\n  - OK: [1]\n  - just-a-string`,
    );
    expect(problems(source)).toEqual([
      'error invalid-env-name stages[0].actions[0].jobs[0].environments.1BAD',
      'error invalid-env-name stages[0].actions[0].jobs[0].environments.my-var',
      'error wrong-type stages[0].actions[0].jobs[0].environments.OK',
      'error wrong-type stages[0].actions[0].jobs[0].environments[3]',
    ]);
    expect(problems(withJob('environments: hello'))).toEqual([
      'error wrong-type stages[0].actions[0].jobs[0].environments',
    ]);
  });

  it('reports a name set twice across list entries', () => {
    const source = withJob(`environments:\n  - A: x\n  - A: y`);
    const [d] = parseWorkflow(source).diagnostics;
    expect(d).toMatchObject({ code: 'duplicate-name', line: 11, col: 17 });
  });

  it('keeps ${{ secrets.NAME }} verbatim and refuses malformed templates', () => {
    const ok = withJob(
      `environments:\n  TOKEN: \${{ secrets.GITHUB_TOKEN }}\n  URL: "https://\${{secrets.HOST}}/x"`,
    );
    expect(parseWorkflow(ok).diagnostics).toEqual([]);
    expect(job(ok)?.env).toEqual({
      TOKEN: '${{ secrets.GITHUB_TOKEN }}',
      URL: 'https://${{secrets.HOST}}/x',
    });
    const bad = withJob(
      `environments:\n  A: \${{ secrets }}\n  B: "\${{ secrets.X "\n  C: \${{ }}`,
    );
    expect(problems(bad)).toEqual([
      'error invalid-value stages[0].actions[0].jobs[0].environments.A',
      'error invalid-value stages[0].actions[0].jobs[0].environments.B',
      'error invalid-value stages[0].actions[0].jobs[0].environments.C',
    ]);
  });

  it('warns when a secret-looking variable holds a literal value', () => {
    const source = withJob(
      `environments:\n  DB_PASSWORD: hunter2\n  GITHUB_TOKEN: \${{ secrets.GH }}\n  TOKEN_URL: https://x`,
    );
    expect(problems(source)).toEqual([
      'warning secret-in-file stages[0].actions[0].jobs[0].environments.DB_PASSWORD',
    ]);
    expect(parseWorkflow(source).workflow).toBeDefined();
  });
});

describe('inputs and labels', () => {
  it('reads job inputs as a map (or list) of strings', () => {
    expect(
      job(withJob(`inputs:\n  git-url: https://x/y.git\n  depth: 1\n  entry.path: .`))?.inputs,
    ).toEqual({
      'git-url': 'https://x/y.git',
      depth: '1',
      'entry.path': '.',
    });
    expect(job(withJob(`inputs:\n  - branch: main`))?.inputs).toEqual({ branch: 'main' });
    expect(problems(withJob(`inputs:\n  "bad key": x\n  1st: y`))).toEqual([
      'error invalid-value stages[0].actions[0].jobs[0].inputs.bad key',
      'error invalid-value stages[0].actions[0].jobs[0].inputs.1st',
    ]);
  });

  it('reads labels as a map with stringified values', () => {
    expect(
      job(withJob(`labels: { team: pay, tier: 2, app.kubernetes.io/name: x }`))?.labels,
    ).toEqual({
      team: 'pay',
      tier: '2',
      'app.kubernetes.io/name': 'x',
    });
    expect(problems(withJob(`labels: [a, b]`))).toEqual([
      'error wrong-type stages[0].actions[0].jobs[0].labels',
    ]);
  });
});
