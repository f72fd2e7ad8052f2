/** The instances of a fan-out job, a page at a time. */
import { InvalidInstanceCursor, UserError, pageInstances } from '@containerops/core';
import type { InstanceView, NodeStatus } from '@containerops/core';
import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { ServerErrorCode } from '../../services/contracts.js';
import { InputLimits, checkOptionalText, checkRange } from '../input-rules.js';
import { NodeStatusEnum } from '../types/enums.js';
import {
  FanOutInstanceConnectionType,
  FanOutInstanceType,
  FanOutType,
} from '../types/fan-out-types.js';

@Resolver(() => FanOutType)
export class FanOutFieldsResolver {
  /** Ended instances in the order they ended (cursors stay valid while it runs), then running ones. */
  @FieldResolver(() => FanOutInstanceConnectionType)
  instances(
    @Root() fan: FanOutType,
    @Arg('status', () => NodeStatusEnum, { nullable: true })
    status: NodeStatusEnum | null | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null | undefined,
  ): FanOutInstanceConnectionType {
    const cursor = checkOptionalText('after', after, InputLimits.name);
    const { path, fanOut } = fan.source;
    let page;
    try {
      page = pageInstances(
        { name: '', path, status: 'running', attempt: 0, outputs: {}, fanOut },
        {
          first: checkRange('first', first, 1, InputLimits.pageSize),
          ...(status == null ? {} : { status: status as NodeStatus }),
          ...(cursor === undefined ? {} : { after: cursor }),
        },
      );
    } catch (error) {
      if (error instanceof InvalidInstanceCursor)
        throw new UserError(ServerErrorCode.badUserInput, `after: ${error.message}.`);
      throw error;
    }
    return {
      nodes: page.nodes.map(toInstance),
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
      totalCount: page.totalCount,
    };
  }
}

/** The GraphQL form of a listed instance (no outputs: an empty object, as a job's). */
export function toInstance(n: InstanceView): FanOutInstanceType {
  return { ...n, status: n.status as NodeStatusEnum, outputs: n.outputs ?? {} };
}
