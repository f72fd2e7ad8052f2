/**
 * The mail notifier against a real SMTP server process on loopback (smtp-server): STARTTLS with a
 * certificate made for the test, AUTH required, the delivered message read back.
 */
import { describe, expect, it } from 'vitest';
import { OperationalError, UserError, createPluginInstance } from '@containerops/sdk';
import { describeNotifierConformance, sampleNotification } from '@containerops/sdk/testing';
import { mailNotifierPlugin } from './plugin.js';
import { SmtpStandIn, decodeQuotedPrintable } from './testing/smtp-stand-in.js';

const configFor = (smtp: SmtpStandIn, extra: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: smtp.port,
  user: smtp.user,
  password: smtp.password,
  ca: smtp.certificate,
  from: 'ContainerOps <ci@example.com>',
  timeoutMs: 5_000,
  ...extra,
});

describeNotifierConformance('mail', async () => {
  const smtp = await SmtpStandIn.start();
  return {
    notifier: await createPluginInstance(mailNotifierPlugin, configFor(smtp), { kind: 'notifier' }),
    receiver: { type: 'mail', address: 'team@example.com' },
    delivered: () => smtp.received.length,
    breakTarget: () => smtp.failWith(451),
    dispose: () => smtp.close(),
  };
});

describe('mail notifier', () => {
  it('delivers an HTML + text summary over STARTTLS with AUTH', async () => {
    const smtp = await SmtpStandIn.start();
    try {
      const notifier = await createPluginInstance(mailNotifierPlugin, configFor(smtp), {
        kind: 'notifier',
      });
      await notifier.notify(
        sampleNotification({
          receivers: [
            { type: 'mail', address: 'team@example.com' },
            { type: 'mail', address: ['ops@example.com'], attachLog: true },
          ],
        }),
      );
      await notifier.close?.();
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.secure).toBe(true);
      expect(mail.user).toBe('notifier');
      expect(mail.to).toEqual(['team@example.com', 'ops@example.com']);
      expect(mail.raw).toMatch(/^Subject: \[ContainerOps\] acme\/app\/ci failed \(run-1\)/m);
      expect(mail.raw).toContain('Content-Type: text/plain');
      expect(mail.raw).toContain('Content-Type: text/html');
      expect(mail.raw).toMatch(/filename=build\.compile\.go\.log/);
      const body = decodeQuotedPrintable(mail.raw);
      expect(body).toContain('Failed job: build.compile.go: exit code 2');
      expect(body).toContain('main.go:3:1: syntax error');
      expect(body).toContain('<a href="http://localhost:8080/runs/run-1">');
    } finally {
      await smtp.close();
    }
  });

  it('a wrong password and a refused mailbox are not retried; a 451 is', async () => {
    const smtp = await SmtpStandIn.start();
    try {
      const to = sampleNotification({ receivers: [{ type: 'mail', address: 'team@example.com' }] });
      const wrong = await createPluginInstance(
        mailNotifierPlugin,
        configFor(smtp, { password: 'nope' }),
        { kind: 'notifier' },
      );
      await expect(wrong.notify(to)).rejects.toBeInstanceOf(UserError);
      await wrong.close?.();
      const notifier = await createPluginInstance(mailNotifierPlugin, configFor(smtp), {
        kind: 'notifier',
      });
      smtp.failWith(550);
      await expect(notifier.notify(to)).rejects.toBeInstanceOf(UserError);
      smtp.failWith(451);
      await expect(notifier.notify(to)).rejects.toBeInstanceOf(OperationalError);
      await notifier.close?.();
      expect(smtp.received).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('a server that does not answer is retryable', async () => {
    const smtp = await SmtpStandIn.start();
    await smtp.close();
    const notifier = await createPluginInstance(mailNotifierPlugin, configFor(smtp), {
      kind: 'notifier',
    });
    await expect(
      notifier.notify(
        sampleNotification({ receivers: [{ type: 'mail', address: 'a@example.com' }] }),
      ),
    ).rejects.toBeInstanceOf(OperationalError);
  });

  it('refuses bad receivers and bad config', async () => {
    const notifier = await createPluginInstance(
      mailNotifierPlugin,
      { host: '127.0.0.1' },
      { kind: 'notifier' },
    );
    await expect(
      notifier.notify(
        sampleNotification({ receivers: [{ type: 'mail', address: 'not an address' }] }),
      ),
    ).rejects.toBeInstanceOf(UserError);
    expect(() => mailNotifierPlugin.configSchema.parse({ user: 'x' })).toThrow(/together/);
    expect(() => mailNotifierPlugin.configSchema.parse({ smtp: 'x' })).toThrow(
      /unknown setting smtp/,
    );
  });
});
