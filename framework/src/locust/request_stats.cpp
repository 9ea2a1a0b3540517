#include "candar/locust/request_stats.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "candar/detail/thread_shards.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "stats_report.hpp"

namespace candar::locust {

namespace {

double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double milliseconds(std::chrono::nanoseconds t) { return std::chrono::duration<double, std::milli>(t).count(); }

// Lookups by string_view pairs, so that recording a known row allocates nothing.
struct name_less {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(A const& a, B const& b) const {
    return std::tie(a.first, a.second) < std::tie(b.first, b.second);
  }
};

struct shard {
  std::map<std::pair<std::string, std::string>, stats_entry, name_less> entries;  // (name, method)
  stats_entry total;
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t, std::less<>> errors;
};

class sharded_stats final : public request_stats::impl {
 public:
  bool record(std::string_view method, std::string_view name, double ms, std::uint64_t length,
              std::string_view const* error) {
    return shards_.with_local([&](shard& s) {
      // Checked under the shard's lock: take() after close() sees everything recorded before, and nothing after.
      if (closed_.load(std::memory_order_acquire)) return false;
      double const now = epoch_seconds();
      auto& e = row(s, method, name);
      auto const bytes = static_cast<std::int64_t>(length);
      e.log(ms, bytes, now);
      s.total.log(ms, bytes, now);
      if (error != nullptr) {
        e.log_failure(now);
        s.total.log_failure(now);
        count_error(s, method, name, *error);
      }
      return true;
    });
  }

  stats_report take() override {
    stats_report r;
    double const now = epoch_seconds();
    r.start_time = start_time_.exchange(now);
    shards_.for_each_mutable([&](shard& s) {
      for (auto& [key, e] : s.entries) {
        if (e.num_requests > 0) r.entries[key].merge(e);
      }
      r.total.merge(s.total);
      for (auto const& [key, n] : s.errors) r.errors[key] += n;
      s.entries.clear();
      s.total = {};
      s.errors.clear();
    });
    return r;
  }

  void close() override { closed_.store(true, std::memory_order_release); }

 private:
  static stats_entry& row(shard& s, std::string_view method, std::string_view name) {
    auto const key = std::pair(name, method);
    if (auto it = s.entries.find(key); it != s.entries.end()) return it->second;
    if (s.entries.size() >= max_names) name = "(other names)";
    return s.entries.try_emplace(std::pair(std::string(name), std::string(method))).first->second;
  }

  static void count_error(shard& s, std::string_view method, std::string_view name, std::string_view error) {
    auto const key = std::tuple(method, name, error);
    if (auto it = s.errors.find(key); it != s.errors.end()) {
      ++it->second;
      return;
    }
    if (s.errors.size() >= max_errors) {
      name = "(other names)";
      error = "(other errors)";
    }
    ++s.errors[std::tuple(std::string(method), std::string(name), std::string(error))];
  }

  std::atomic<bool> closed_{false};
  std::atomic<double> start_time_{epoch_seconds()};
  detail::thread_shards<shard> shards_;
};

}  // namespace

request_stats::request_stats() : impl_(std::make_unique<sharded_stats>()) {}
request_stats::~request_stats() = default;

bool request_stats::success(std::string_view method, std::string_view name, std::chrono::nanoseconds response_time,
                            std::uint64_t content_length) {
  return static_cast<sharded_stats&>(*impl_).record(method, name, milliseconds(response_time), content_length, nullptr);
}

bool request_stats::failure(std::string_view method, std::string_view name, std::chrono::nanoseconds response_time,
                            std::string_view error, std::uint64_t content_length) {
  return static_cast<sharded_stats&>(*impl_).record(method, name, milliseconds(response_time), content_length, &error);
}

void request_stats::take_requests_from(endpoint_metrics& metrics) {
  metrics.set_observer([this](endpoint_metrics::observed_request const& r) {
    auto const space = r.label.find(' ');
    auto const method = space == std::string_view::npos ? std::string_view() : r.label.substr(0, space);
    auto const name = space == std::string_view::npos ? r.label : r.label.substr(space + 1);
    if (r.status == 0) {
      failure(method, name, r.latency, r.error_code);
    } else if (r.status >= 400) {
      failure(method, name, r.latency, fmt::format("HTTP {}", r.status), r.body_bytes);
    } else {
      success(method, name, r.latency, r.body_bytes);
    }
  });
}

}  // namespace candar::locust
