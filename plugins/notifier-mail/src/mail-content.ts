/**
 * The mail of a run: a subject that says the outcome, a plain-text body and an HTML body with the
 * same content (status, workflow, duration, the failed job and the last lines of its log, a link
 * to the run page). Everything from the run is escaped in the HTML.
 */
import { formatDuration } from '@containerops/sdk';
import type { RunSummary } from '@containerops/sdk';

export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function mailContent(summary: RunSummary, logLines: number): MailContent {
  const failed = summary.failedJob;
  const log = failed?.lastLogLines.slice(-logLines) ?? [];
  const rows: [string, string][] = [
    ['Workflow', summary.workflow],
    ['Run', summary.runId],
    ['Status', summary.status],
  ];
  if (summary.durationMs !== undefined) rows.push(['Duration', formatDuration(summary.durationMs)]);
  if (failed !== undefined)
    rows.push([
      'Failed job',
      failed.path + (failed.reason === undefined ? '' : `: ${failed.reason}`),
    ]);
  if (summary.url !== undefined) rows.push(['Run page', summary.url]);
  const text = [
    summary.headline,
    '',
    ...rows.map(([k, v]) => `${k}: ${v}`),
    ...(log.length === 0
      ? []
      : [
          '',
          `Last ${log.length} log lines of ${failed?.path ?? ''}:`,
          ...log.map((l) => `  ${l}`),
        ]),
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escape(summary.headline)}</h2>`,
    '<table cellpadding="4">',
    ...rows.map(([k, v]) =>
      k === 'Run page'
        ? `<tr><th align="left">${k}</th><td><a href="${escape(v)}">${escape(v)}</a></td></tr>`
        : `<tr><th align="left">${k}</th><td>${escape(v)}</td></tr>`,
    ),
    '</table>',
    ...(log.length === 0
      ? []
      : [
          `<h3>Last ${log.length} log lines of ${escape(failed?.path ?? '')}</h3>`,
          `<pre>${escape(log.join('\n'))}</pre>`,
        ]),
    '</body></html>',
  ].join('\n');
  return {
    subject: `[ContainerOps] ${summary.workflow} ${summary.status} (${summary.runId})`,
    text,
    html,
  };
}

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
