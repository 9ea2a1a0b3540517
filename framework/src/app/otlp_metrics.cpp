#include "otlp_metrics.hpp"

#include "failure/utf8_text.hpp"

namespace candar::detail {

namespace {

using json = nlohmann::json;
using kind = metric_family::kind;

constexpr int cumulative = 2;  // AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE

bool drop_suffix(std::string& s, std::string_view suffix) {
  if (!s.ends_with(suffix) || s.size() == suffix.size()) return false;
  s.resize(s.size() - suffix.size());
  return true;
}

json attributes(metric_labels const& labels) {
  json out = json::array();
  for (auto const& [k, v] : labels) out.push_back({{"key", k}, {"value", {{"stringValue", valid_utf8(v)}}}});
  return out;
}

json number_point(metric_family const& f, metric_point const& p, std::string const& start, std::string const& now) {
  json out = {{"attributes", attributes(p.labels)}, {"timeUnixNano", now}};
  if (f.type == kind::counter) out["startTimeUnixNano"] = start;
  // Counts are integers (a string, as 64-bit integers are in the JSON mapping); seconds and gauges are doubles.
  if (f.type == kind::counter && f.unit != "s") {
    out["asInt"] = std::to_string(static_cast<std::uint64_t>(p.value));
  } else {
    out["asDouble"] = p.value;
  }
  return out;
}

json histogram_point_json(metric_family const& f, histogram_point const& h, std::string const& start,
                          std::string const& now) {
  // OTLP counts each bucket on its own (bounds[i-1], bounds[i]]; Prometheus' are cumulative.
  json counts = json::array();
  std::uint64_t below = 0;
  for (std::size_t i = 0; i < f.bounds.size(); ++i) {
    auto const at_most = i < h.at_most.size() ? h.at_most[i] : below;
    counts.push_back(std::to_string(at_most - below));
    below = at_most;
  }
  counts.push_back(std::to_string(h.count - below));
  return {{"attributes", attributes(h.labels)},
          {"startTimeUnixNano", start},
          {"timeUnixNano", now},
          {"count", std::to_string(h.count)},
          {"sum", h.sum},
          {"bucketCounts", counts},
          {"explicitBounds", f.bounds}};
}

}  // namespace

std::string otlp_name(metric_family const& f) {
  std::string name = f.name;
  if (f.type == kind::counter) drop_suffix(name, "_total");
  if (f.unit == "s") drop_suffix(name, "_seconds");
  if (f.unit == "By") drop_suffix(name, "_bytes");
  return name;
}

json otlp_metrics_json(std::vector<metric_family> const& families, otlp_resource const& resource,
                       std::uint64_t now_unix_nano) {
  auto const start = std::to_string(resource.start_unix_nano);
  auto const now = std::to_string(now_unix_nano);
  json metrics = json::array();
  for (auto const& f : families) {
    json m = {{"name", otlp_name(f)}, {"description", f.help}, {"unit", f.unit}};
    json points = json::array();
    for (auto const& p : f.points) points.push_back(number_point(f, p, start, now));
    for (auto const& h : f.histograms) points.push_back(histogram_point_json(f, h, start, now));
    switch (f.type) {
      case kind::counter:
        m["sum"] = {{"dataPoints", points}, {"aggregationTemporality", cumulative}, {"isMonotonic", true}};
        break;
      case kind::histogram:
        m["histogram"] = {{"dataPoints", points}, {"aggregationTemporality", cumulative}};
        break;
      case kind::gauge:
        m["gauge"] = {{"dataPoints", points}};
        break;
    }
    metrics.push_back(std::move(m));
  }
  json resource_attributes = json::array();
  resource_attributes.push_back(
      {{"key", "service.name"}, {"value", {{"stringValue", valid_utf8(resource.service_name)}}}});
  return {{"resourceMetrics",
           json::array({{{"resource", {{"attributes", resource_attributes}}},
                         {"scopeMetrics", json::array({{{"scope", {{"name", "candar"}, {"version", resource.version}}},
                                                        {"metrics", metrics}}})}}})}};
}

}  // namespace candar::detail
