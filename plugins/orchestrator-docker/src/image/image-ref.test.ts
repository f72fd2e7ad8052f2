import { describe, expect, it } from 'vitest';
import { credentialsFor, registryOf, splitImageReference } from './image-ref.js';

describe('registryOf', () => {
  it.each([
    ['busybox', 'docker.io'],
    ['library/debian:bookworm', 'docker.io'],
    ['containerops/busybox:latest', 'docker.io'],
    ['docker.io/library/alpine', 'docker.io'],
    ['index.docker.io/org/app', 'docker.io'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
  ])('%s -> %s', (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });
});

describe('credentialsFor', () => {
  const auth = {
    'https://index.docker.io/v1/': { username: 'hub', password: 'h' },
    'ghcr.io': { username: 'gh', password: 'g' },
  };

  it('finds credentials by registry, whatever form the key has', () => {
    expect(credentialsFor('busybox', auth)?.credentials.username).toBe('hub');
    expect(credentialsFor('ghcr.io/org/app', auth)).toEqual({
      registry: 'ghcr.io',
      credentials: { username: 'gh', password: 'g' },
    });
  });

  it('returns undefined for other registries or without auth', () => {
    expect(credentialsFor('quay.io/org/app', auth)).toBeUndefined();
    expect(credentialsFor('busybox', undefined)).toBeUndefined();
  });
});

describe('splitImageReference', () => {
  it('splits tags and digests, defaulting to latest, and knows a port is not a tag', () => {
    expect(splitImageReference('busybox')).toEqual({ repository: 'busybox', tag: 'latest' });
    expect(splitImageReference('debian:bookworm')).toEqual({
      repository: 'debian',
      tag: 'bookworm',
    });
    expect(splitImageReference('127.0.0.1:5000/app')).toEqual({
      repository: '127.0.0.1:5000/app',
      tag: 'latest',
    });
    expect(splitImageReference('127.0.0.1:5000/app:2')).toEqual({
      repository: '127.0.0.1:5000/app',
      tag: '2',
    });
    expect(splitImageReference('app@sha256:abc')).toEqual({ repository: 'app', tag: 'sha256:abc' });
  });
});
