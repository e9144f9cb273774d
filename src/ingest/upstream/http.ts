import { inSpan, markError, SpanKind, traceHeaders, type Context } from '../../telemetry/tracing.js';
import { backoffDelay, pause, type BackoffPolicy } from './backoff.js';
import { formatDuration, isRetryableStatus, networkReason, parseLenient, UpstreamError, vendorMessage } from './errors.js';
import { redactSecrets, redactUrl } from './redact.js';

export interface HttpClientOptions {
  provider: string;
  baseUrl: string;
  apiKey: string;
  requestTimeoutMs: number;
  backoff: BackoffPolicy;
  /** How long an outage may last before a call gives up. */
  giveUpAfterMs: number;
  /** Aborts requests and retries in flight: the run stopped. */
  signal: AbortSignal;
  /** Parent of every call's span. */
  trace: Context;
  random?: () => number;
}

/** `/v1/jobs/{id}` with `{id: "job 1"}` → `/v1/jobs/job%201`. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}

/**
 * JSON over HTTP to one vendor: the key as `Authorization: Bearer`, W3C `traceparent`, a timeout per request,
 * and one CLIENT span per request named after the path template (bounded cardinality) with the URL redacted.
 */
export class UpstreamHttp {
  readonly #options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.#options = options;
  }

  /** Retries outages (5xx, 429, timeouts, refused connections) with backoff until `giveUpAfterMs`; a 4xx fails at once. */
  async call(method: string, template: string, params: Readonly<Record<string, string>> = {}, body?: unknown): Promise<unknown> {
    const { backoff, giveUpAfterMs, signal, random, provider } = this.#options;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, template, params, body);
      } catch (error) {
        if (!(error instanceof UpstreamError) || !error.retryable || signal.aborted) throw error;
        if (Date.now() - started >= giveUpAfterMs) {
          throw new UpstreamError('upstream_unavailable', `${provider} did not answer ${method} ${template} within ${formatDuration(giveUpAfterMs)}: ${error.message}`);
        }
        await pause(backoffDelay(attempt, backoff, random), signal);
      }
    }
  }

  /** One request; resolves with the parsed body of a 2xx answer. */
  once(method: string, template: string, params: Readonly<Record<string, string>> = {}, body?: unknown): Promise<unknown> {
    const { provider, baseUrl, apiKey, requestTimeoutMs, signal, trace } = this.#options;
    const url = baseUrl + fillPath(template, params);
    const attributes = {
      'http.request.method': method,
      'url.full': redactUrl(url),
      'url.template': template,
      'server.address': new URL(url).hostname,
      'optbridge.provider': provider,
    };
    return inSpan(`${method} ${template}`, { kind: SpanKind.CLIENT, parent: trace, attributes }, async (span) => {
      const headers: Record<string, string> = { ...traceHeaders(), authorization: `Bearer ${apiKey}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${requestTimeoutMs} ms` : networkReason(error);
        throw this.#error('upstream_unavailable', `${provider} unreachable: ${reason}`, { retryable: !signal.aborted });
      }
      span.setAttribute('http.response.status_code', response.status);
      const text = await response.text().catch(() => '');
      const parsed = parseLenient(text);
      if (response.ok) return parsed;
      const detail = vendorMessage(parsed) ?? (response.statusText || 'no message');
      markError(span, `HTTP ${response.status}`);
      const retryable = isRetryableStatus(response.status);
      const code = retryable ? 'upstream_unavailable' : 'upstream_rejected';
      throw this.#error(code, `${provider} answered HTTP ${response.status}: ${detail}`, { retryable, status: response.status });
    });
  }

  #error(code: string, message: string, options: { retryable: boolean; status?: number }): UpstreamError {
    return new UpstreamError(code, redactSecrets(message, [this.#options.apiKey]), options);
  }
}
