/** A GraphQL-over-HTTP caller for the API benches: POST with the bearer token, errors thrown. */
export type GraphqlCall = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export function graphqlOverHttp(graphqlUrl: string, token: string): GraphqlCall {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
    return body.data as T;
  };
}
