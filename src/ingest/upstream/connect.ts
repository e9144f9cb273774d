import type { Attributes } from '@opentelemetry/api';
import { inSpan, markError, SpanKind, traceHeaders, type Context } from '../../telemetry/tracing.js';
import { redactSecrets, redactUrl } from './redact.js';
import type { UpstreamSettings } from './settings.js';
import { endReason, UpstreamSocket } from './socket.js';
import type { VendorStream } from './vendor.js';

export interface ConnectRequest {
  settings: UpstreamSettings;
  /** The stream's path, ids filled in. */
  path: string;
  stream: Pick<VendorStream, 'keyInQuery' | 'ping'>;
  /** 0 for the first connection of this run; later ones are reconnects. */
  attempt: number;
  parent: Context;
  attributes: Attributes;
  /** Receives the socket before it opens, so the run can close a connection still being made. */
  onSocket(socket: UpstreamSocket): void;
  onOpen(socket: UpstreamSocket): void;
  onText(text: string): void;
}

/**
 * Opens one socket to the vendor inside an `upstream connect` or `upstream reconnect` CLIENT span, which ends once
 * the socket is open or has failed. The key goes where the doc puts it; the span only ever sees the URL redacted.
 */
export function connectUpstream(request: ConnectRequest): Promise<UpstreamSocket> {
  const { settings, stream } = request;
  const url = new URL(settings.url.replace(/^http/, 'ws') + request.path);
  if (stream.keyInQuery) url.searchParams.set('token', settings.apiKey);
  const attributes = { ...request.attributes, 'url.full': redactUrl(url.toString()), 'server.address': url.hostname, 'optbridge.attempt': request.attempt };
  const name = request.attempt === 0 ? 'upstream connect' : 'upstream reconnect';
  return inSpan(name, { kind: SpanKind.CLIENT, parent: request.parent, attributes }, async (span) => {
    const headers = traceHeaders();
    if (!stream.keyInQuery) headers.authorization = `Bearer ${settings.apiKey}`;
    const socket = new UpstreamSocket({
      url: url.toString(),
      headers,
      handshakeTimeoutMs: settings.requestTimeoutMs,
      keepaliveMs: settings.keepaliveMs,
      ping: stream.ping,
      onOpen: request.onOpen,
      onText: request.onText,
    });
    request.onSocket(socket);
    if (!(await socket.opened)) markError(span, redactSecrets(endReason(await socket.ended), [settings.apiKey]));
    return socket;
  });
}
