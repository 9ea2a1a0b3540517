#pragma once
// Per-endpoint request metrics: counts by status, errors by code, bytes, and a latency histogram, each under a
// label the scenario chooses ("GET /api/users/:id"). Recording is per thread without contention; reading
// merges every thread's shard.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "candar/detail/thread_shards.hpp"
#include "candar/metrics/histogram.hpp"

namespace candar {

struct endpoint_stats {
  std::uint64_t requests = 0;  // responses received, any status
  std::uint64_t bytes = 0;     // response body bytes
  std::map<int, std::uint64_t> by_status{};
  std::map<std::string, std::uint64_t, std::less<>> errors_by_code{};  // requests that got no response
  histogram latency{};                                                 // of responses received

  void merge(endpoint_stats const& other);
};

class endpoint_metrics {
 public:
  // Where requests past the label cap are counted.
  static constexpr std::string_view other_label = "(other labels)";

  // At most `max_labels` distinct labels are kept; the requests of any label past that are counted under
  // other_label, so memory does not grow with ids a scenario puts in its labels.
  explicit endpoint_metrics(std::size_t max_labels = 500) : max_labels_(max_labels) {}
  endpoint_metrics(endpoint_metrics const&) = delete;
  endpoint_metrics& operator=(endpoint_metrics const&) = delete;

  void record(std::string_view label, int status, std::chrono::nanoseconds latency, std::uint64_t body_bytes);
  void record_error(std::string_view label, std::string_view code);

  // One request as it is recorded: a status and its latency, or (status 0) the error code of a request that got
  // no response.
  struct observed_request {
    std::string_view label;
    int status = 0;
    std::chrono::nanoseconds latency{};
    std::uint64_t body_bytes = 0;
    std::string_view error_code;
  };
  using observer = std::function<void(observed_request const&)>;
  // Called with every request recorded from now on, on the thread that records it: how the requests of agents
  // that record here also reach somewhere else (locust::request_stats::take_requests_from). Set it before the
  // agents start, not while they record.
  void set_observer(observer o) { observer_ = std::move(o); }

  // Label → merged stats.
  [[nodiscard]] std::map<std::string, endpoint_stats, std::less<>> snapshot() const;
  // Every label merged into one.
  [[nodiscard]] endpoint_stats total() const;

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct shard {
    std::unordered_map<std::string, endpoint_stats, string_hash, std::equal_to<>> stats{};
  };
  endpoint_stats& entry(shard& s, std::string_view label);

  observer observer_;
  std::size_t const max_labels_;
  std::mutex admitted_mutex_;  // taken only the first time a thread meets a label, and only until full_
  std::set<std::string, std::less<>> admitted_;
  // Set once a label was refused: admitted_ never changes after that, and is read without the lock.
  std::atomic<bool> full_{false};
  detail::thread_shards<shard> shards_;
};

// A path as a metrics label, with its ids replaced by ":id" so that one endpoint is one row: segments of digits,
// UUIDs and long hex strings ("/api/users/42/home" -> "/api/users/:id/home"). The query is dropped.
[[nodiscard]] std::string route_template(std::string_view path);
// The same, appended to `out` (the agent builds "METHOD " + template in one string per request).
void append_route_template(std::string& out, std::string_view path);

}  // namespace candar
