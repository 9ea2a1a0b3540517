#pragma once
// A run's figures as metric families, the one model behind both exports: Prometheus' text format served by
// --metrics-listen (prometheus_text.hpp) and OTLP/HTTP JSON pushed to OTEL_EXPORTER_OTLP_ENDPOINT
// (otlp_metrics.hpp). Counters are cumulative since the run started, as both formats expect.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "candar/metrics/endpoint_metrics.hpp"

namespace candar::detail {

// What is read off a running (or finished) benchmark at one moment.
struct run_figures {
  std::map<std::string, endpoint_stats, std::less<>> endpoints;     // label → requests, statuses, latency
  std::map<std::string, std::int64_t, std::less<>> errors_by_code;  // every error the run counted
  std::int64_t score = 0;
  std::optional<double> load_level;  // when the contest tells it
  double cpu_seconds = 0;            // the benchmarker's own, since the run started
  double loop_lag_seconds = 0;       // the worst event-loop lag in the last second sampled
  std::string phase;                 // "prepare", "load", "validate" or "done"
};

using metric_labels = std::vector<std::pair<std::string, std::string>>;

struct metric_point {
  metric_labels labels;
  double value = 0;
};

struct histogram_point {
  metric_labels labels;
  std::vector<std::uint64_t> at_most;  // cumulative: values at most each of the family's bounds
  std::uint64_t count = 0;
  double sum = 0;
};

struct metric_family {
  enum class kind { counter, gauge, histogram };
  std::string name;  // Prometheus' name; counters end in _total there (OTLP drops it)
  std::string help;
  std::string unit;  // UCUM, as OTLP wants it: "s", "By", "{request}"; none for a plain number
  kind type = kind::gauge;
  std::vector<metric_point> points;
  std::vector<double> bounds;  // histograms: the upper bounds, in the family's unit, +Inf left implicit
  std::vector<histogram_point> histograms;
};

// Prometheus' default latency buckets, in seconds (client_golang's DefBuckets).
[[nodiscard]] std::vector<double> const& latency_bounds_seconds();

// The families, in a fixed order; labels and values as given (each format escapes them its own way).
[[nodiscard]] std::vector<metric_family> run_metric_families(run_figures const& f);

}  // namespace candar::detail
