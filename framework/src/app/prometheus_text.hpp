#pragma once
// Metric families in Prometheus' text exposition format 0.0.4 (what --metrics-listen serves at /metrics).
#include <string>
#include <string_view>
#include <vector>

#include "run_metrics.hpp"

namespace candar::detail {

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Label values are made valid UTF-8 and escaped (a backslash, a double quote, a line feed): an endpoint label may
// hold whatever a webapp put in a path.
[[nodiscard]] std::string prometheus_text(std::vector<metric_family> const& families);

}  // namespace candar::detail
