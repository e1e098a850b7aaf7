/**
 * @module callbacks/after-events
 * After-event webhooks (message sent, group created/joined/left/destroyed, state change): fire and
 * forget, off the request path.
 *
 * `emit` never blocks and never throws. Work goes into one bounded FIFO; when it is full the new
 * event is dropped and counted (drop-newest: what is queued is older and already promised to the
 * receiver in order). A few requests are in flight at once so a slow receiver cannot pile up
 * sockets. Per the reference nothing is retried unless the app turns `afterRetry` on, and then only
 * timeouts are, a bounded number of times with exponential backoff and a fresh signature.
 */
import { Metrics } from '../observability/metrics.ts';
import type { AfterBodies } from './callback-bodies.ts';
import { CallbackClient } from './callback-client.ts';
import { enabledConfig, timeoutOf, type AfterCommand, type CallbackApp, type CallbackConfig, type CallbackOrigin } from './callback-config.ts';
import { callbackMetrics, type CallbackMetrics } from './callback-metrics.ts';
import type { CallbackDeps } from './before-send.ts';
import { buildCallbackUrl } from './callback-signer.ts';

export interface AfterEventDispatcherOptions extends CallbackDeps {
  /** Events waiting to be sent (retries waiting included). Default 10,000. */
  queueLimit?: number;
  /** Requests in flight at once, all apps together. Default 8. */
  concurrency?: number;
  /** Retries after a timeout when the app enables them. Default 3. */
  maxRetries?: number;
  /** First retry delay; doubles each time up to `retryMaxMs`. Defaults 500 / 8000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

interface Job {
  sdkAppId: number;
  cfg: CallbackConfig;
  command: AfterCommand;
  json: string;
  origin: CallbackOrigin | undefined;
  attempt: number;
}

export class AfterEventDispatcher {
  private readonly client: CallbackClient;
  private readonly ownsClient: boolean;
  private readonly m: CallbackMetrics;
  private readonly logger: CallbackDeps['logger'];
  private readonly queueLimit: number;
  private readonly concurrency: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  private queue: Job[] = [];
  private head = 0;
  private readonly delayed = new Map<ReturnType<typeof setTimeout>, Job>();
  private inFlight = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private onIdle: (() => void) | undefined;

  constructor(options: AfterEventDispatcherOptions = {}) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new CallbackClient();
    this.m = callbackMetrics(options.metrics ?? new Metrics(false));
    this.logger = options.logger;
    this.queueLimit = options.queueLimit ?? 10_000;
    this.concurrency = options.concurrency ?? 8;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 8000;
  }

  /** Events accepted and not yet finished: queued, waiting to retry, or in flight. */
  get pending(): number {
    return this.waiting + this.inFlight;
  }

  private get waiting(): number {
    return this.queue.length - this.head + this.delayed.size;
  }

  /**
   * Queues the webhook if the app has `command` switched on. Returns whether it was queued;
   * false means off, full, closed or unserialisable (the last three are counted).
   */
  emit<C extends AfterCommand>(app: CallbackApp, command: C, body: AfterBodies[C], origin?: CallbackOrigin): boolean {
    try {
      const cfg = enabledConfig(app, command);
      if (cfg === undefined) return false;
      if (this.closed) {
        this.m.afterDropped.inc({ command, reason: 'shutdown' });
        return false;
      }
      if (this.waiting >= this.queueLimit) {
        this.m.afterDropped.inc({ command, reason: 'queue_full' });
        return false;
      }
      // Serialised now: the caller may reuse or mutate `body` once emit returns.
      const json = JSON.stringify(Object.assign({ CallbackCommand: command }, body, { CallbackCommand: command }));
      this.queue.push({ sdkAppId: app.sdkAppId, cfg, command, json, origin, attempt: 0 });
      this.m.afterQueued.inc();
      this.pump();
      return true;
    } catch (err) {
      this.m.afterFailed.inc({ command, reason: 'serialize' });
      this.logger?.warn({ err, sdkAppId: app.sdkAppId, command }, 'after-event webhook not sent: body not serialisable');
      return false;
    }
  }

  /**
   * Stops accepting events and waits up to `deadlineMs` for queued ones to be sent; then aborts
   * what is left. Resolves (never rejects) with how many events were abandoned.
   */
  async close(deadlineMs = 5000): Promise<{ drained: boolean; abandoned: number }> {
    this.closed = true;
    if (this.pending > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<void>((resolve) => (this.onIdle = resolve));
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
      await Promise.race([idle, deadline]);
      clearTimeout(timer);
    }
    const abandoned = this.pending;
    if (abandoned > 0) {
      for (const [t, job] of this.delayed) {
        clearTimeout(t);
        this.m.afterDropped.inc({ command: job.command, reason: 'shutdown' });
      }
      this.delayed.clear();
      for (let i = this.head; i < this.queue.length; i++) this.m.afterDropped.inc({ command: this.queue[i]!.command, reason: 'shutdown' });
      this.queue = [];
      this.head = 0;
      this.m.afterQueued.set(0);
      this.abort.abort(); // in-flight requests resolve as 'aborted' and count as dropped
    }
    if (this.ownsClient) this.client.close();
    return { drained: abandoned === 0, abandoned };
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.head < this.queue.length) {
      const job = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Job; // let the body be collected
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.m.afterQueued.dec();
      this.inFlight++;
      void this.send(job);
    }
    if (this.pending === 0) this.onIdle?.();
  }

  private async send(job: Job): Promise<void> {
    const { command } = job;
    try {
      const url = buildCallbackUrl(job.cfg.url, {
        sdkAppId: job.sdkAppId,
        command,
        clientIp: job.origin?.clientIp,
        optPlatform: job.origin?.optPlatform,
        token: job.cfg.token,
      });
      const started = performance.now();
      const res = await this.client.post(url, job.json, timeoutOf(job.cfg), this.abort.signal);
      this.m.duration.observe({ command }, (performance.now() - started) / 1000);
      if (res.ok) {
        this.m.afterSent.inc({ command });
      } else if (res.reason === 'aborted') {
        this.m.afterDropped.inc({ command, reason: 'shutdown' });
      } else if (res.reason === 'timeout' && job.cfg.afterRetry && job.attempt < this.maxRetries) {
        this.m.afterRetried.inc({ command });
        this.retryLater(job);
      } else {
        this.m.afterFailed.inc({ command, reason: res.reason });
        this.logger?.warn({ sdkAppId: job.sdkAppId, command, reason: res.reason, detail: res.detail }, 'after-event webhook failed');
      }
    } catch (err) {
      this.m.afterFailed.inc({ command, reason: 'internal' });
      this.logger?.warn({ err, sdkAppId: job.sdkAppId, command }, 'after-event webhook failed');
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private retryLater(job: Job): void {
    const delay = Math.min(this.retryBaseMs * 2 ** job.attempt, this.retryMaxMs);
    job.attempt++;
    const t = setTimeout(() => {
      this.delayed.delete(t);
      this.queue.push(job);
      this.m.afterQueued.inc();
      this.pump();
    }, delay);
    t.unref(); // a pending retry alone must not keep the process alive; close() waits for it
    this.delayed.set(t, job);
  }
}
