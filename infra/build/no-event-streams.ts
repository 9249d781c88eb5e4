/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles (see infra/build/bundle-aliases.ts). The SDK's
 * protocol layer imports it dynamically, only for operations that stream events (Bedrock, Transcribe, S3 Select and
 * the like); none of the clients these functions use (DynamoDB, EventBridge, Scheduler, Secrets Manager, SES v2)
 * has such an operation, yet a single-file bundle still carries its ~13 KB. Should one ever be called, it fails here
 * by name instead of half-working.
 */
const unsupported = (): never => {
  throw new Error(
    'AWS event-stream operations are not supported in this bundle (@smithy/core/event-streams is stubbed)',
  );
};

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}

export const eventStreamSerdeProvider = unsupported;
