#pragma once
// The run second by second, for the result's "timeline" and the report stream: the score and errors so far,
// and for that second the requests, errors and latency percentiles of each endpoint, the load level (when the
// contest gives one), the benchmarker's CPU share and its event loops' worst lag. Sampled by the app's control thread
// from the live counters (the metrics lock one shard at a time), so the run itself does nothing for it.
//
// Bounded whatever the run's length: past max_samples, neighbouring samples are merged in pairs (their
// seconds and counts added, the later score kept, the higher of each percentile: an upper bound), so a long
// run keeps the same number of coarser samples.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "candar/benchmark/result.hpp"
#include "candar/metrics/endpoint_metrics.hpp"

namespace candar::detail {

class timeline {
 public:
  explicit timeline(std::size_t max_samples = 1024) : max_samples_(max_samples < 2 ? 2 : max_samples) {}

  struct stretch {
    double seconds = 0;    // since the previous sample
    double cpu_share = 0;  // CPU seconds per second over it
  };
  // A sample at `t` seconds since the run started; `cpu_seconds` is the process's CPU time so far, `lag_ms`
  // the worst event-loop lag since the previous sample.
  stretch sample(double t, std::string_view phase, result const& r, std::optional<double> load_level,
                 double cpu_seconds, double lag_ms);

  [[nodiscard]] nlohmann::json to_json() const;
  // The latest sample alone; null before the first.
  [[nodiscard]] nlohmann::json last_json() const;
  [[nodiscard]] std::size_t size() const noexcept { return samples_.size(); }

 private:
  struct endpoint_interval {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double p50_ms = 0, p90_ms = 0, p99_ms = 0;
  };
  struct point {
    double t = 0;        // when it was taken
    double seconds = 0;  // how long a stretch it covers
    std::string phase;
    std::int64_t score = 0;
    std::int64_t errors = 0;
    double cpu_share = 0;  // CPU seconds per second over the stretch (2.0: two cores busy)
    double lag_ms = 0;     // the worst event-loop lag in it
    std::optional<double> load;
    std::map<std::string, endpoint_interval, std::less<>> endpoints;
  };
  static nlohmann::json json_of(point const& p);
  void halve();

  std::size_t max_samples_;
  std::vector<point> samples_;
  std::map<std::string, endpoint_stats, std::less<>> previous_;  // the cumulative counters at the last sample
  double previous_t_ = 0;
  double previous_cpu_ = 0;
};

}  // namespace candar::detail
