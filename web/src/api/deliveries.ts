/**
 * The GraphQL documents and result types of the webhook deliveries page (views/DeliveriesView.vue);
 * checked against schema.graphql by the server's client-documents test.
 */

const DELIVERY_FIELDS = `id trigger receivedAt status runId workflow deliveryId message
  payloadSize redeliveryOf redeliveredBy`;

export const DELIVERIES = `query Deliveries($first: Int!, $after: String, $trigger: String, $workflow: String) {
  triggerDeliveryPage(first: $first, after: $after, trigger: $trigger, workflow: $workflow) {
    nodes { ${DELIVERY_FIELDS} } pageInfo { endCursor hasNextPage } } }`;

export const DELIVERY_REQUEST = `query DeliveryRequest($id: ID!) {
  triggerDelivery(id: $id) { id request { method path query headers body } } }`;

export const REDELIVER = `mutation Redeliver($id: ID!) {
  redeliverTriggerDelivery(id: $id) { ${DELIVERY_FIELDS} } }`;

/** What a delivery did: the server's `TriggerDelivery.status`. */
export type DeliveryStatus =
  'accepted' | 'ignored' | 'duplicate' | 'rejected' | 'failed' | 'not-found';

export interface Delivery {
  id: string;
  trigger: string;
  receivedAt: string;
  status: DeliveryStatus | string;
  runId: string | null;
  workflow: string | null;
  deliveryId: string | null;
  message: string | null;
  payloadSize: number;
  redeliveryOf: string | null;
  redeliveredBy: string | null;
}

export interface DeliveryRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryPage {
  triggerDeliveryPage: {
    nodes: Delivery[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
}
