import type { TriggerSubscription } from '@containerops/sdk';
import { describe, expect, it } from 'vitest';
import type { GitBlock, GitBlockRules, GitEvent } from './git-block.js';
import { gitBlockOf, whyNotGitEvent } from './git-block.js';

type Kind = 'push' | 'pull_request';

/** Rules shaped like a git host's, not any one host's. */
const rules: GitBlockRules<Kind> = {
  repositoryField: 'repository',
  repositoryPattern: /^[\w.-]+\/[\w.-]+$/,
  repositoryProblem: 'repository must be owner/name',
  eventKinds: ['push', 'pull_request'],
  defaultEvents: ['push'],
};

function subscription(trigger: Record<string, unknown>): TriggerSubscription {
  return { workflow: 'acme/payments/ci', trigger: { type: 'git', ...trigger } };
}

function blockOf(trigger: Record<string, unknown>): GitBlock<Kind> {
  const block = gitBlockOf(subscription(trigger), rules);
  if (typeof block === 'string') throw new Error(block);
  return block;
}

function push(extra: Partial<GitEvent<Kind>> = {}): GitEvent<Kind> {
  return { kind: 'push', branch: 'main', values: {}, ...extra };
}

describe('gitBlockOf', () => {
  it('reads a full block, lower-casing the repository', () => {
    const block = blockOf({
      repository: 'Acme/Payments',
      events: ['push', 'pull_request'],
      branches: ['main', 'release/**'],
      tags: 'v*',
      paths: ['src/**'],
    });
    expect(block.workflow).toBe('acme/payments/ci');
    expect(block.repository).toBe('acme/payments');
    expect([...block.events]).toEqual(['push', 'pull_request']);
    expect(block.branches).toEqual(['main', 'release/**']);
    expect(block.tags).toEqual(['v*']);
    expect(block.paths).toEqual(['src/**']);
  });

  it('takes the default events and no filters when the block names none', () => {
    const block = blockOf({ repository: 'acme/payments' });
    expect([...block.events]).toEqual(['push']);
    expect(block.branches).toBeUndefined();
    expect(block.tags).toBeUndefined();
    expect(block.paths).toBeUndefined();
  });

  it('accepts a single event as a string', () => {
    expect([...blockOf({ repository: 'acme/payments', events: 'pull_request' }).events]).toEqual([
      'pull_request',
    ]);
  });

  it('says what is wrong: repository, events, each filter', () => {
    expect(gitBlockOf(subscription({}), rules)).toBe('repository must be owner/name');
    expect(gitBlockOf(subscription({ repository: 'no-slash' }), rules)).toBe(
      'repository must be owner/name',
    );
    expect(
      gitBlockOf(subscription({ repository: 'a/b', events: ['push', 'release'] }), rules),
    ).toBe('events must list some of push, pull_request');
    expect(gitBlockOf(subscription({ repository: 'a/b', events: 3 }), rules)).toBe(
      'events must list some of push, pull_request',
    );
    expect(gitBlockOf(subscription({ repository: 'a/b', paths: [1] }), rules)).toBe(
      'paths must be a glob or a list of globs',
    );
  });
});

describe('whyNotGitEvent', () => {
  const block = blockOf({
    repository: 'acme/payments',
    events: ['push', 'pull_request'],
    branches: ['main', 'release/**'],
    tags: ['v*'],
    paths: ['src/**', '!**/*.md'],
  });

  it('wants a matching push, comparing the repository without case', () => {
    expect(whyNotGitEvent(block, 'ACME/Payments', push(), rules)).toBeUndefined();
    expect(
      whyNotGitEvent(block, 'acme/payments', push({ changedPaths: ['src/a.ts'] }), rules),
    ).toBeUndefined();
  });

  it('says why it does not want an event, first reason first', () => {
    expect(whyNotGitEvent(block, 'acme/other', push(), rules)).toBe('another repository');
    const onlyPush = blockOf({ repository: 'acme/payments' });
    expect(whyNotGitEvent(onlyPush, 'acme/payments', push({ kind: 'pull_request' }), rules)).toBe(
      'pull_request is not in its events',
    );
    expect(whyNotGitEvent(block, 'acme/payments', push({ branch: 'feature/x' }), rules)).toBe(
      'branch feature/x is filtered out',
    );
    expect(
      whyNotGitEvent(block, 'acme/payments', push({ branch: undefined, tag: 'nightly' }), rules),
    ).toBe('tag nightly is filtered out');
    expect(
      whyNotGitEvent(
        block,
        'acme/payments',
        push({ changedPaths: ['docs/a.md', 'src/b.md'] }),
        rules,
      ),
    ).toBe('no changed path matches its paths');
  });

  it('does not filter on what the event does not carry', () => {
    // A tag push has no branch; a request payload lists no files.
    expect(
      whyNotGitEvent(block, 'acme/payments', push({ branch: undefined, tag: 'v1.0.0' }), rules),
    ).toBeUndefined();
    expect(
      whyNotGitEvent(
        block,
        'acme/payments',
        push({ kind: 'pull_request', changedPaths: undefined }),
        rules,
      ),
    ).toBeUndefined();
  });
});
