/**
 * @module callbacks/callback-metrics
 * The webhook series, created once per `Metrics` registry and shared by before-send and the
 * after-event dispatcher. Labelled by command (bounded set), never by app: apps are unbounded.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../observability/metrics.ts';

export interface CallbackMetrics {
  /** Before-send outcomes: allow, modify, deny, drop, failure_deliver, failure_refuse. */
  before: Counter<string>;
  afterSent: Counter<string>;
  afterFailed: Counter<string>;
  afterDropped: Counter<string>;
  afterRetried: Counter<string>;
  afterQueued: Gauge<string>;
  duration: Histogram<string>;
}

const cache = new WeakMap<Metrics, CallbackMetrics>();

export function callbackMetrics(metrics: Metrics): CallbackMetrics {
  let m = cache.get(metrics);
  if (m) return m;
  m = {
    before: metrics.counter('parley_callback_before_total', 'Before-send webhook outcomes', ['command', 'outcome']),
    afterSent: metrics.counter('parley_callback_after_sent_total', 'After-event webhooks answered with HTTP 200 + JSON', ['command']),
    afterFailed: metrics.counter('parley_callback_after_failed_total', 'After-event webhooks given up on (after any retries)', ['command', 'reason']),
    afterDropped: metrics.counter('parley_callback_after_dropped_total', 'After-event webhooks never sent: queue full or shutdown', ['command', 'reason']),
    afterRetried: metrics.counter('parley_callback_after_retried_total', 'After-event webhook retries (after a timeout)', ['command']),
    afterQueued: metrics.gauge('parley_callback_after_queued', 'After-event webhooks waiting to be sent'),
    duration: metrics.histogram('parley_callback_duration_seconds', 'Webhook round trip, any outcome', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], ['command']),
  };
  cache.set(metrics, m);
  return m;
}
