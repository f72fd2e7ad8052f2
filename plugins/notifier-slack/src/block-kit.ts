/**
 * The Slack message of a run, in Block Kit: a header with the status, the workflow, run and
 * duration as fields, the failed job with the end of its log, and a button to the run page.
 * `text` is the plain fallback Slack shows in notifications.
 */
import { formatDuration } from '@containerops/sdk';
import type { RunSummary } from '@containerops/sdk';

const EMOJI: Readonly<Record<string, string>> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  timed_out: ':hourglass:',
  cancelled: ':no_entry_sign:',
  running: ':arrow_forward:',
};

/** Slack's limit on a section's text. */
const MAX_TEXT = 2900;

export function slackMessage(summary: RunSummary): Record<string, unknown> {
  const emoji = EMOJI[summary.status] ?? ':information_source:';
  const fields = [
    { type: 'mrkdwn', text: `*Workflow*\n${escape(summary.workflow)}` },
    { type: 'mrkdwn', text: `*Status*\n${summary.status}` },
    { type: 'mrkdwn', text: `*Run*\n${escape(summary.runId)}` },
  ];
  if (summary.durationMs !== undefined)
    fields.push({ type: 'mrkdwn', text: `*Duration*\n${formatDuration(summary.durationMs)}` });
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${summary.workflow} ${summary.status}`.slice(0, 150),
        emoji: true,
      },
    },
    { type: 'section', fields },
  ];
  const failed = summary.failedJob;
  if (failed !== undefined) {
    const log = failed.lastLogLines.slice(-15).join('\n');
    const text = `*Failed job* \`${escape(failed.path)}\`${failed.reason === undefined ? '' : `: ${escape(failed.reason)}`}${log === '' ? '' : `\n\`\`\`${log.replace(/```/g, "'''")}\`\`\``}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, MAX_TEXT) } });
  }
  if (summary.url !== undefined)
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Open run' }, url: summary.url },
      ],
    });
  return { text: `${emoji} ${summary.headline}`.slice(0, MAX_TEXT), blocks };
}

/** Slack's mrkdwn treats `&`, `<`, `>` as markup. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
