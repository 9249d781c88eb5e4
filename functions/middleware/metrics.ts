/**
 * Flushes the invocation's metrics (CloudWatch EMF on stdout) after the handler returns or throws, like Powertools'
 * `logMetrics` middleware, except that an invocation that recorded no metric publishes nothing and logs nothing.
 * Powertools' own flush warns "No application metrics to publish" on every such invocation, and its only switch,
 * `throwOnEmptyMetrics`, turns that into an error; most of our invocations (a sync, a reconcile with nothing new)
 * rightly record none, so the warning was noise in every log.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';

export const publishMetrics = (metrics: Metrics): middy.MiddlewareObj => {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else {
      // What publishing would have reset, so nothing added during this invocation carries over to the next.
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  };
  return { after: flush, onError: flush };
};
