#include "candar/metrics/endpoint_metrics.hpp"

namespace candar {

void endpoint_stats::merge(endpoint_stats const& other) {
  requests += other.requests;
  bytes += other.bytes;
  for (auto const& [status, n] : other.by_status) by_status[status] += n;
  for (auto const& [code, n] : other.errors_by_code) errors_by_code[code] += n;
  latency.merge(other.latency);
}

endpoint_stats& endpoint_metrics::entry(shard& s, std::string_view label) {
  if (auto it = s.find(label); it != s.end()) return it->second;
  return s.emplace(std::string(label), endpoint_stats{}).first->second;
}

void endpoint_metrics::record(std::string_view label, int status, std::chrono::nanoseconds latency,
                              std::uint64_t body_bytes) {
  shards_.with_local([&](shard& s) {
    auto& e = entry(s, label);
    ++e.requests;
    e.bytes += body_bytes;
    ++e.by_status[status];
    e.latency.record(latency);
  });
}

void endpoint_metrics::record_error(std::string_view label, std::string_view code) {
  shards_.with_local([&](shard& s) {
    auto& e = entry(s, label);
    auto it = e.errors_by_code.find(code);
    if (it == e.errors_by_code.end()) it = e.errors_by_code.emplace(std::string(code), 0).first;
    ++it->second;
  });
}

std::map<std::string, endpoint_stats, std::less<>> endpoint_metrics::snapshot() const {
  std::map<std::string, endpoint_stats, std::less<>> out;
  shards_.for_each([&](shard const& s) {
    for (auto const& [label, stats] : s) out[label].merge(stats);
  });
  return out;
}

endpoint_stats endpoint_metrics::total() const {
  endpoint_stats out;
  shards_.for_each([&](shard const& s) {
    for (auto const& [label, stats] : s) out.merge(stats);
  });
  return out;
}

}  // namespace candar
