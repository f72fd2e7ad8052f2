/**
 * The `mail` notifier: one mail per notification to every address of the workflow's `mail`
 * receivers, sent over SMTP with nodemailer (STARTTLS, AUTH, pooled connections).
 *
 * ```yaml
 * receivers:
 *   - type: mail
 *     address: devops@example.com     # one address or a list
 *     on: [failure]
 *     attachLog: true                 # the failed job's last log lines as an attachment
 * ```
 *
 * SMTP answers decide what the host does: a 4xx reply, a timeout or a refused connection rejects
 * with an `OperationalError` (retried); a 5xx reply (a mailbox that does not exist, a failed
 * login) with a `UserError` (retrying cannot help).
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { OperationalError, UserError, summarizeRun } from '@containerops/sdk';
import type { NotifierPlugin, RunNotification } from '@containerops/sdk';
import { mailContent } from './mail-content.js';

export interface MailNotifierConfig {
  readonly host?: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  /** Refuse to send unless STARTTLS succeeded. Default true. */
  readonly requireTLS: boolean;
  readonly user?: string;
  readonly password?: string;
  /** The From address. */
  readonly from: string;
  /** PEM certificates to trust besides the system's (a private CA, a test server). */
  readonly ca?: string;
  /** Log lines of the failed job in the mail. Default 30. */
  readonly logLines: number;
  readonly timeoutMs: number;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

export class MailNotifier implements NotifierPlugin {
  private transport: Transporter | undefined;
  private closed = false;

  constructor(private readonly config: MailNotifierConfig) {}

  async notify(event: RunNotification): Promise<void> {
    if (this.closed) throw new OperationalError('NOTIFIER_CLOSED', 'the mail notifier is closed');
    const host = this.config.host;
    if (host === undefined)
      throw new UserError(
        'NOTIFIER_NOT_CONFIGURED',
        'the mail notifier has no SMTP host: set it in the server config (plugins)',
      );
    const to = addressesOf(event);
    const content = mailContent(summarizeRun(event), this.config.logLines);
    const attach =
      event.receivers.some((r) => r['attachLog'] === true) && event.failedJob !== undefined;
    this.transport ??= nodemailer.createTransport({
      host,
      port: this.config.port,
      secure: this.config.secure,
      requireTLS: this.config.requireTLS,
      ...(this.config.user === undefined
        ? {}
        : { auth: { user: this.config.user, pass: this.config.password ?? '' } }),
      ...(this.config.ca === undefined ? {} : { tls: { ca: this.config.ca } }),
      connectionTimeout: this.config.timeoutMs,
      greetingTimeout: this.config.timeoutMs,
      socketTimeout: this.config.timeoutMs,
    });
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        headers: { 'X-ContainerOps-Run': event.runId },
        ...(attach && event.failedJob !== undefined
          ? {
              attachments: [
                {
                  filename: `${event.failedJob.path}.log`,
                  content: `${event.failedJob.lastLogLines.join('\n')}\n`,
                  contentType: 'text/plain',
                },
              ],
            }
          : {}),
      });
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      const message = `mail to ${to.join(', ')}: ${error instanceof Error ? error.message : String(error)}`;
      if (typeof code === 'number' && code >= 500) throw new UserError('NOTIFY_REFUSED', message);
      throw new OperationalError('NOTIFY_FAILED', message);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.transport?.close();
    return Promise.resolve();
  }
}

function addressesOf(event: RunNotification): string[] {
  const out = new Set<string>();
  for (const receiver of event.receivers) {
    const raw = receiver['address'];
    const list =
      typeof raw === 'string'
        ? raw.split(/[,;\s]+/).filter(Boolean)
        : Array.isArray(raw)
          ? raw
          : [];
    for (const address of list)
      if (typeof address === 'string' && ADDRESS.test(address)) out.add(address);
      else
        throw new UserError(
          'RECEIVER_INVALID',
          `mail receiver address ${String(address)} is not an e-mail address`,
        );
  }
  if (out.size === 0)
    throw new UserError('RECEIVER_INVALID', 'a mail receiver needs address: someone@example.com');
  return [...out];
}
