/**
 * The executable schema, built from the type-graphql classes. `schema.graphql` at the package
 * root is its printed form (a test keeps them equal).
 */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import type { PubSub } from 'type-graphql';
import { buildSchema } from 'type-graphql';
import { AdminResolver } from './resolvers/admin-resolver.js';
import { ComponentFieldsResolver } from './resolvers/component-fields.js';
import { ComponentResolver } from './resolvers/component-resolver.js';
import { OrganizationFieldsResolver, UserFieldsResolver } from './resolvers/identity-fields.js';
import { IdentityResolver } from './resolvers/identity-resolver.js';
import { FanOutFieldsResolver } from './resolvers/fan-out-fields.js';
import { InsightsResolver } from './resolvers/insights-resolver.js';
import { RunFieldsResolver } from './resolvers/run-fields.js';
import { RunJobFieldResolver } from './resolvers/run-job-field.js';
import { RunResolver } from './resolvers/run-resolver.js';
import { RunUpdateFieldsResolver } from './resolvers/run-update-fields.js';
import { SubscriptionResolver } from './resolvers/subscription-resolver.js';
import {
  RunNotificationFieldsResolver,
  TriggerDeliveryResolver,
} from './resolvers/trigger-notification-resolver.js';
import { WorkflowFieldsResolver } from './resolvers/workflow-fields.js';
import { WorkflowResolver } from './resolvers/workflow-resolver.js';

const resolvers = [
  IdentityResolver,
  UserFieldsResolver,
  OrganizationFieldsResolver,
  WorkflowResolver,
  WorkflowFieldsResolver,
  RunResolver,
  RunFieldsResolver,
  RunJobFieldResolver,
  FanOutFieldsResolver,
  RunUpdateFieldsResolver,
  InsightsResolver,
  SubscriptionResolver,
  ComponentResolver,
  ComponentFieldsResolver,
  AdminResolver,
  TriggerDeliveryResolver,
  RunNotificationFieldsResolver,
] as const;

/**
 * type-graphql insists on a PubSub as soon as a schema has subscriptions, but ours all use a
 * `subscribe` function over the services' LiveFeed (replay + follow, which topics cannot do).
 */
const noTopics: PubSub = {
  publish() {
    throw new Error('Subscriptions read the LiveFeed; topic-based publishing is not used.');
  },
  subscribe() {
    throw new Error('Subscriptions read the LiveFeed; topic-based subscriptions are not used.');
  },
};

let built: Promise<GraphQLSchema> | undefined;

/**
 * The API schema. Built once per process (type-graphql's metadata is global, and building is the
 * slowest part of start-up); every server instance shares it — resolvers are stateless and read
 * the services from the context.
 */
export function buildApiSchema(): Promise<GraphQLSchema> {
  // Arguments are checked by input-rules.ts, so class-validator stays out of the request path.
  built ??= buildSchema({ resolvers, validate: false, pubSub: noTopics });
  return built;
}
