#include "stats_entry.hpp"

#include <algorithm>
#include <cmath>

namespace candar::locust {

std::int64_t rounded_response_time(double ms) noexcept {
  if (!(ms >= 0)) return 0;  // NaN or negative: not a time
  double step = 1;
  if (ms >= 10000) {
    step = 1000;
  } else if (ms >= 1000) {
    step = 100;
  } else if (ms >= 100) {
    step = 10;
  }
  // nearbyint in the default rounding mode rounds halves to even, as Python's round() does.
  return static_cast<std::int64_t>(std::nearbyint(ms / step) * step);
}

void stats_entry::log(double response_time_ms, std::int64_t content_length, double now) {
  ++num_requests;
  ++num_reqs_per_sec[static_cast<std::int64_t>(now)];
  last_request_timestamp = now;
  total_response_time += response_time_ms;
  min_response_time = min_response_time ? std::min(*min_response_time, response_time_ms) : response_time_ms;
  max_response_time = std::max(max_response_time, response_time_ms);
  ++response_times[rounded_response_time(response_time_ms)];
  total_content_length += content_length;
}

void stats_entry::log_failure(double now) {
  ++num_failures;
  ++num_fail_per_sec[static_cast<std::int64_t>(now)];
}

void stats_entry::merge(stats_entry const& other) {
  num_requests += other.num_requests;
  num_failures += other.num_failures;
  total_response_time += other.total_response_time;
  max_response_time = std::max(max_response_time, other.max_response_time);
  if (other.min_response_time) {
    min_response_time =
        min_response_time ? std::min(*min_response_time, *other.min_response_time) : other.min_response_time;
  }
  total_content_length += other.total_content_length;
  for (auto const& [k, n] : other.response_times) response_times[k] += n;
  for (auto const& [k, n] : other.num_reqs_per_sec) num_reqs_per_sec[k] += n;
  for (auto const& [k, n] : other.num_fail_per_sec) num_fail_per_sec[k] += n;
  if (other.last_request_timestamp) {
    last_request_timestamp = last_request_timestamp ? std::max(*last_request_timestamp, *other.last_request_timestamp)
                                                    : other.last_request_timestamp;
  }
}

namespace {
void write_counts(msgpack::writer& w, std::map<std::int64_t, std::int64_t> const& counts) {
  w.map(static_cast<std::uint32_t>(counts.size()));
  for (auto const& [k, n] : counts) w.integer(k).integer(n);
}
}  // namespace

void stats_entry::write(msgpack::writer& w, std::string const& name, std::string const& method,
                        double start_time) const {
  w.map(14);
  w.str("name").str(name);
  w.str("method").str(method);
  w.str("last_request_timestamp").real_or_nil(last_request_timestamp);
  w.str("start_time").real(start_time);
  w.str("num_requests").integer(num_requests);
  w.str("num_none_requests").integer(0);
  w.str("num_failures").integer(num_failures);
  w.str("total_response_time").real(total_response_time);
  w.str("max_response_time").real(max_response_time);
  w.str("min_response_time").real_or_nil(min_response_time);
  w.str("total_content_length").integer(total_content_length);
  w.str("response_times");
  write_counts(w, response_times);
  w.str("num_reqs_per_sec");
  write_counts(w, num_reqs_per_sec);
  w.str("num_fail_per_sec");
  write_counts(w, num_fail_per_sec);
}

}  // namespace candar::locust
