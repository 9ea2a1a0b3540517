#include "candar/metrics/endpoint_metrics.hpp"

#include <algorithm>

namespace candar {

void endpoint_stats::merge(endpoint_stats const& other) {
  requests += other.requests;
  bytes += other.bytes;
  for (auto const& [status, n] : other.by_status) by_status[status] += n;
  for (auto const& [code, n] : other.errors_by_code) errors_by_code[code] += n;
  latency.merge(other.latency);
}

endpoint_stats& endpoint_metrics::entry(shard& s, std::string_view label) {
  if (auto it = s.stats.find(label); it != s.stats.end()) return it->second;
  auto other = [&]() -> endpoint_stats& {
    if (auto it = s.stats.find(other_label); it != s.stats.end()) return it->second;
    return s.stats.emplace(std::string(other_label), endpoint_stats{}).first->second;
  };
  // New to this thread: admitted if another thread has it already or the cap is not reached. A label past the
  // cap is kept nowhere (ids in labels would grow memory without end): each of its requests looks it up again,
  // in admitted_, which no longer changes once full_ is set and is read without the lock then.
  if (full_.load(std::memory_order_acquire)) {
    if (!admitted_.contains(label)) return other();
  } else {
    std::lock_guard lock(admitted_mutex_);
    if (!admitted_.contains(label)) {
      if (admitted_.size() >= max_labels_) {
        full_.store(true, std::memory_order_release);
        return other();
      }
      admitted_.emplace(label);
    }
  }
  return s.stats.emplace(std::string(label), endpoint_stats{}).first->second;
}

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// An id-like path segment: digits, a UUID, or 16 or more hex digits.
bool id_like(std::string_view seg) {
  if (seg.empty()) return false;
  if (std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  if (seg.size() == 36 && seg[8] == '-' && seg[13] == '-' && seg[18] == '-' && seg[23] == '-') {
    return std::all_of(seg.begin(), seg.end(), [](char c) { return is_hex(c) || c == '-'; });
  }
  return seg.size() >= 16 && std::all_of(seg.begin(), seg.end(), is_hex);
}

}  // namespace

void append_route_template(std::string& out, std::string_view path) {
  if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  std::size_t pos = 0;
  for (;;) {
    auto end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    auto const seg = path.substr(pos, end - pos);
    out += id_like(seg) ? std::string_view(":id") : seg;
    if (end == path.size()) break;
    out += '/';
    pos = end + 1;
  }
}

std::string route_template(std::string_view path) {
  std::string out;
  append_route_template(out, path);
  return out;
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
  if (observer_) observer_({label, status, latency, body_bytes, {}});
}

void endpoint_metrics::record_error(std::string_view label, std::string_view code) {
  shards_.with_local([&](shard& s) {
    auto& e = entry(s, label);
    auto it = e.errors_by_code.find(code);
    if (it == e.errors_by_code.end()) it = e.errors_by_code.emplace(std::string(code), 0).first;
    ++it->second;
  });
  if (observer_) observer_({label, 0, {}, 0, code});
}

std::map<std::string, endpoint_stats, std::less<>> endpoint_metrics::snapshot() const {
  std::map<std::string, endpoint_stats, std::less<>> out;
  shards_.for_each([&](shard const& s) {
    for (auto const& [label, stats] : s.stats) out[label].merge(stats);
  });
  return out;
}

endpoint_stats endpoint_metrics::total() const {
  endpoint_stats out;
  shards_.for_each([&](shard const& s) {
    for (auto const& [label, stats] : s.stats) out.merge(stats);
  });
  return out;
}

}  // namespace candar
