import { describe, expect, it } from 'vitest';
import { StopNotices } from './stop-notices.js';

describe('StopNotices', () => {
  it('notifies listeners once at the report, and later listeners at once', () => {
    const notices = new StopNotices();
    const heard: string[] = [];
    notices.listen('c1', () => heard.push('early'));
    notices.listen('c2', () => heard.push('other'));
    notices.report('c1');
    notices.report('c1');
    notices.listen('c1', () => heard.push('late'));
    expect(heard).toEqual(['early', 'late']);
  });

  it('an unsubscribed listener is not called; forget() drops what was known', () => {
    const notices = new StopNotices();
    const heard: string[] = [];
    const off = notices.listen('c1', () => heard.push('gone'));
    off();
    off();
    notices.report('c1');
    notices.forget('c1');
    notices.listen('c1', () => heard.push('after forget'));
    expect(heard).toEqual([]);
  });
});
