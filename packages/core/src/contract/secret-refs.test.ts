import { describe, expect, it } from 'vitest';
import { ContainerOpsError } from '../errors.js';
import { findSecretRefs, resolveSecretRefs } from './secret-refs.js';

const store: Record<string, string> = { TOKEN: 't0k', DB_PASS: 'p$&w', _x1: 'u' };
const lookup = (name: string) => Promise.resolve(store[name]);

describe('findSecretRefs', () => {
  it('finds names with optional spaces, unique, in order', () => {
    expect(
      findSecretRefs(
        'a ${{ secrets.TOKEN }} b ${{secrets.DB_PASS}} ${{  secrets.TOKEN  }} ${{ secrets._x1}}',
      ),
    ).toEqual(['TOKEN', 'DB_PASS', '_x1']);
  });

  it('ignores other expressions and invalid names', () => {
    expect(findSecretRefs('${{ env.X }} ${{ secrets.1BAD }} ${{ secrets. X }} $TOKEN')).toEqual([]);
  });
});

describe('resolveSecretRefs', () => {
  it('replaces references with values literally and lists the used names', async () => {
    await expect(
      resolveSecretRefs(
        'Bearer ${{ secrets.TOKEN }} / ${{secrets.DB_PASS}} / ${{ secrets.TOKEN }}',
        lookup,
      ),
    ).resolves.toEqual({ value: 'Bearer t0k / p$&w / t0k', used: ['TOKEN', 'DB_PASS'] });
  });

  it('looks each name up once', async () => {
    const asked: string[] = [];
    await resolveSecretRefs('${{ secrets.TOKEN }}${{ secrets.TOKEN }}', (n) => {
      asked.push(n);
      return lookup(n);
    });
    expect(asked).toEqual(['TOKEN']);
  });

  it('returns text without references unchanged', async () => {
    await expect(resolveSecretRefs('plain', lookup)).resolves.toEqual({ value: 'plain', used: [] });
  });

  it('throws SECRET_NOT_FOUND naming the missing secrets', async () => {
    const err = await resolveSecretRefs(
      '${{ secrets.TOKEN }} ${{ secrets.NOPE }} ${{ secrets.GONE }}',
      lookup,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ContainerOpsError);
    const e = err as ContainerOpsError;
    expect(e.code).toBe('SECRET_NOT_FOUND');
    expect(e.kind).toBe('user');
    expect(e.message).toBe(
      'secrets "NOPE", "GONE" not found: define them in the secret store, or remove the reference',
    );
  });
});
