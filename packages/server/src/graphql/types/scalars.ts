/** The two custom scalars of the schema: `DateTime` (ms epoch in, ISO-8601 out) and `JSON`. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { JSONResolver } from 'graphql-scalars';

/**
 * Resolvers hand over ms since the epoch (what every service record holds) or a `Date`; clients
 * get ISO-8601 in UTC. Inputs accept an ISO-8601 string.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time (UTC), e.g. 2026-11-22T10:00:00.000Z',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : null;
    if (date === null || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    }
    return date.toISOString();
  },
  parseValue(value) {
    return parseIsoDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return parseIsoDate(ast.value);
  },
});

function parseIsoDate(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO-8601 string', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

/** graphql-scalars' JSON with the schema's own description (and no `@specifiedBy`). */
export const JsonScalar = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  description: 'Any JSON value',
  specifiedByURL: null,
});
