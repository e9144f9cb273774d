import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * One set of instruments, two outputs: `GET /metrics` in Prometheus text (pulled through the reader below) and,
 * when an OTLP endpoint is configured, the same instruments pushed as OpenTelemetry metrics. Names follow
 * Prometheus conventions (the `optbridge_` prefix, base units, `_total` added to counters by the serializer);
 * no job id is ever a label, so the number of series stays bounded.
 */

/** Latency buckets in seconds, from a fraction of a millisecond (in-process steps) to seconds (a stalled store). */
const LATENCY_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const prometheus = new PrometheusExporter({ preventServerStart: true });
const readers: MetricReader[] = [prometheus];
// Read here rather than from the typed config: the instruments exist from import on, before any config loads,
// and this is the one variable (OpenTelemetry's own) that the config reads for traces too.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  readers.push(
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/metrics` }),
      exportIntervalMillis: 10_000,
    }),
  );
}

/**
 * One provider per process: the instruments below are module-level, so every bridge in a process (tests start
 * several) records into the same series, and counters only ever grow.
 */
const provider = new MeterProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'optbridge' }), readers });
const meter = provider.getMeter('optbridge');

const latency = (name: string, description: string) =>
  meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S } });

export const instruments = {
  eventsIngested: meter.createCounter('optbridge_events_ingested', { description: 'Events given a seq by this node, by provider' }),
  eventsPublished: meter.createCounter('optbridge_events_published', { description: 'Committed events this node published to the hub' }),
  messagesDelivered: meter.createCounter('optbridge_messages_delivered', { description: 'Messages handed to subscribed sockets, by dialect' }),
  encodes: meter.createCounter('optbridge_encodes', { description: 'Live events encoded, once per dialect with subscribers' }),
  clientsConnected: meter.createUpDownCounter('optbridge_ws_clients', { description: 'Open client sockets, by dialect' }),
  slowConsumerCloses: meter.createCounter('optbridge_slow_consumer_closes', { description: 'Sockets closed with 4008 for a send buffer past the limit, by dialect' }),
  storeCommit: latency('optbridge_store_commit_seconds', 'Time to commit one batch of events'),
  pipelineStage: latency(
    'optbridge_pipeline_stage_seconds',
    'Per event and stage: `commit` (seq assigned to committed, the group commit included) and `publish` (committed to handed to every subscriber)',
  ),
  ingestToPublish: latency('optbridge_ingest_to_publish_seconds', 'Per event, from its seq being assigned to its publish on this node'),
  leaseAcquisitions: meter.createCounter('optbridge_lease_acquisitions', { description: 'Job ownership leases this node took (cluster mode)' }),
  leaseLosses: meter.createCounter('optbridge_lease_losses', { description: 'Leases this node found held by another node on renewal, or whose writes were fenced off' }),
  takeovers: meter.createCounter('optbridge_takeovers', { description: "Jobs this node took over from a node whose lease ran out" }),
  interNodeLag: latency('optbridge_inter_node_lag_seconds', "Per event heard through Redis: from the owner's publish to its arrival on this node"),
  gapFills: meter.createCounter('optbridge_gap_fill_events', { description: 'Events this node read from Postgres because it missed them on Redis' }),
  queueLength: meter.createGauge('optbridge_queue_length', { description: "Built-in jobs waiting in the cluster's queue for a free solver thread, as last seen by this node" }),
};

export function since(startMs: number): number {
  return (performance.now() - startMs) / 1000;
}

/** The current values of every instrument, as Prometheus text exposition. */
export async function prometheusText(): Promise<string> {
  const { resourceMetrics } = await prometheus.collect();
  return new PrometheusSerializer().serialize(resourceMetrics);
}
