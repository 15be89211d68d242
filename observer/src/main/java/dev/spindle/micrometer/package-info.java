/**
 * A Micrometer {@code MeterBinder} for a node ({@link dev.spindle.micrometer.SpindleMetrics}), so
 * its schedulers and processes show up in whatever registry a service already exports (Prometheus,
 * OTLP, Datadog, ...). Micrometer is an optional dependency of spindle-observer: this package is
 * the only one that needs it. Built on the public API only.
 */
package dev.spindle.micrometer;
