/** `@containerops/notifier-mail/testing`: a real SMTP server for tests. Needs `smtp-server`. */
export { SmtpStandIn, decodeQuotedPrintable } from './smtp-stand-in.js';
export type { ReceivedMail } from './smtp-stand-in.js';
