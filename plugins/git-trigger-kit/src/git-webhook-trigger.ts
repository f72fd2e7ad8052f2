/**
 * The part of a git host's webhook trigger after it has checked a delivery (sender proof, event
 * name, delivery id, JSON payload) and read the event: every workflow whose block of this host
 * wants the event is fired once per delivery id (the host's durable `once` claims), so a
 * redelivery starts nothing. A block that cannot be read is logged once per workflow and problem
 * and skipped. The checks before stay in each plugin: they are what differs between hosts.
 */
import type {
  PluginLogger,
  TriggerContext,
  TriggerHttpResponse,
  TriggerInfo,
} from '@containerops/sdk';
import { WebhookTrigger, fireMatching } from '@containerops/sdk';
import type { GitBlockRules, GitEvent } from './git-block.js';
import { gitBlockOf, whyNotGitEvent } from './git-block.js';

/** A checked delivery and the event it carries. */
export interface GitDelivery<Kind extends string> {
  readonly event: GitEvent<Kind>;
  /** The repository (project) the payload names. */
  readonly repository: string;
  /** The sender's id of this delivery: the `once` key, and `trigger.delivery`. */
  readonly deliveryId: string;
  /** What the run records as its trigger. */
  readonly trigger: TriggerInfo;
}

export abstract class GitWebhookTrigger<Kind extends string> extends WebhookTrigger {
  private readonly warned = new Set<string>();

  /**
   * @param title how answers and logs name it (`github trigger`).
   * @param rules how this host's trigger blocks look.
   */
  constructor(
    title: string,
    private readonly rules: GitBlockRules<Kind>,
    protected readonly logger: PluginLogger,
  ) {
    super(title);
  }

  /** Fires the workflows that want the delivery's event; the answer to the sender. */
  protected fireFor(
    ctx: TriggerContext,
    delivery: GitDelivery<Kind>,
  ): Promise<TriggerHttpResponse> {
    const { event, repository, deliveryId } = delivery;
    return fireMatching(ctx, {
      blockOf: (subscription) => gitBlockOf(subscription, this.rules),
      wants: (block) => whyNotGitEvent(block, repository, event, this.rules) === undefined,
      onBadBlock: (workflow, problem) => this.warnOnce(workflow, problem),
      isStopped: () => this.stopped,
      trigger: delivery.trigger,
      options: {
        once: `delivery:${deliveryId}`,
        values: { ...event.values, delivery: deliveryId },
      },
      nothingMatched: `no workflow subscribes to ${event.kind} of ${repository}${event.branch === undefined ? '' : ` on ${event.branch}`}${event.tag === undefined ? '' : ` tag ${event.tag}`}`,
    });
  }

  private warnOnce(workflow: string, problem: string): void {
    const key = `${workflow}\n${problem}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(`workflow ${workflow}: its ${this.title} is ignored: ${problem}`);
  }
}
