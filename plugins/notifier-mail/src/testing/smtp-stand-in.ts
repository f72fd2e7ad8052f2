/**
 * A real SMTP server on loopback for tests (the `smtp-server` package, which speaks the protocol
 * as mail servers do): STARTTLS with a self-signed certificate made for the test by the `openssl`
 * CLI, AUTH PLAIN/LOGIN required, every accepted message kept raw so a test reads it back.
 * `failWith(code)` makes it refuse messages (451: try later; 550: never).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as delivered (headers and MIME body). */
  readonly raw: string;
  /** Whether the session had switched to TLS (STARTTLS) before the message. */
  readonly secure: boolean;
  readonly user: string | undefined;
}

export class SmtpStandIn {
  readonly received: ReceivedMail[] = [];
  private failure: number | undefined;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    /** The self-signed certificate (PEM), to trust in the client. */
    readonly certificate: string,
    readonly user: string,
    readonly password: string,
    private readonly dir: string,
  ) {}

  static async start(user = 'notifier', password = 'smtp-secret'): Promise<SmtpStandIn> {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-stand-in-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
    // The callbacks need the instance, which needs the server: filled in below.
    const holder: { self?: SmtpStandIn } = {};
    const server = new SMTPServer({
      key: readFileSync(join(dir, 'key.pem')),
      cert: certificate,
      authMethods: ['PLAIN', 'LOGIN'],
      // AUTH only after STARTTLS (the smtp-server default): a client that skips TLS cannot log in.
      allowInsecureAuth: false,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === password) callback(null, { user });
        else callback(new Error('535 authentication failed'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const code = holder.self?.failure;
          if (code !== undefined) {
            const error = new Error(
              code >= 500 ? 'mailbox unavailable' : 'try again later',
            ) as Error & { responseCode: number };
            error.responseCode = code;
            return callback(error);
          }
          holder.self?.received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server as unknown as { server: { address(): AddressInfo } }).server.address()
      .port;
    holder.self = new SmtpStandIn(server, port, certificate, user, password, dir);
    return holder.self;
  }

  /** Refuse every message from now on with `code` (undefined: accept again). */
  failWith(code: number | undefined): void {
    this.failure = code;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The text of a quoted-printable part, decoded (what a mail reader shows). */
export function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
