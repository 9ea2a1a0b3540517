#pragma once
// Metric families as an OTLP/HTTP JSON ExportMetricsServiceRequest (opentelemetry-proto's JSON mapping: 64-bit
// integers and times as decimal strings, enums as numbers, lowerCamelCase keys), cumulative since the run began.
// A family's OTLP name is its Prometheus name without the suffixes an OTLP-to-Prometheus translation adds back
// (_total for a counter, the unit's _seconds or _bytes), so a collector exporting to Prometheus shows the same
// names as --metrics-listen.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_metrics.hpp"

namespace candar::detail {

struct otlp_resource {
  std::string service_name;           // the contest's name, unless OTEL_SERVICE_NAME says otherwise
  std::string version;                // candar's, as the instrumentation scope's
  std::uint64_t start_unix_nano = 0;  // when the run began: every point's startTimeUnixNano
};

[[nodiscard]] std::string otlp_name(metric_family const& f);
[[nodiscard]] nlohmann::json otlp_metrics_json(std::vector<metric_family> const& families,
                                               otlp_resource const& resource, std::uint64_t now_unix_nano);

}  // namespace candar::detail
