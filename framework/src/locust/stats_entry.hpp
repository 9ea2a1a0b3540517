#pragma once
// One row of Locust's statistics (locust/stats.py StatsEntry, 2.x), as a worker reports it: a delta since the
// last report, serialized field for field as StatsEntry.serialize() writes it, so that the master's
// StatsEntry.unserialize() and extend() take it as they take a Python worker's.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "msgpack.hpp"

namespace candar::locust {

// Locust's bucket for a response time in ms: to 1 ms under 100, to 10 under 1,000, to 100 under 10,000, to
// 1,000 above; Python's round(), so halves go to the even neighbour (145 -> 140, 155 -> 160).
[[nodiscard]] std::int64_t rounded_response_time(double ms) noexcept;

struct stats_entry {
  std::int64_t num_requests = 0;
  std::int64_t num_failures = 0;
  double total_response_time = 0;  // ms
  double max_response_time = 0;    // ms; 0 with no request, as in Locust
  std::optional<double> min_response_time;
  std::int64_t total_content_length = 0;
  std::map<std::int64_t, std::int64_t> response_times;    // rounded ms -> count
  std::map<std::int64_t, std::int64_t> num_reqs_per_sec;  // epoch second -> count
  std::map<std::int64_t, std::int64_t> num_fail_per_sec;
  std::optional<double> last_request_timestamp;  // epoch seconds

  // StatsEntry.log(): a request (failed or not) that ended at `now` (epoch seconds).
  void log(double response_time_ms, std::int64_t content_length, double now);
  // StatsEntry.log_error(): the same request, counted as failed.
  void log_failure(double now);
  // StatsEntry.extend(), for merging the loops' shards.
  void merge(stats_entry const& other);

  // StatsEntry.serialize(): `start_time` is when this delta began (epoch seconds).
  void write(msgpack::writer& w, std::string const& name, std::string const& method, double start_time) const;
};

}  // namespace candar::locust
