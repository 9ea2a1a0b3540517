#pragma once
// What a Locust worker's users report of their requests, kept in Locust's own terms: per (method, name) the
// requests, failures, response times in milliseconds and content length, and the errors with their
// occurrences. Any loop records without contention (one shard per thread); the worker takes what was recorded
// since its last report every few seconds, as Locust's own workers do.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

namespace candar {
class endpoint_metrics;
}

namespace candar::locust {

class request_stats {
 public:
  request_stats();
  ~request_stats();
  request_stats(request_stats const&) = delete;
  request_stats& operator=(request_stats const&) = delete;

  // A request answered as expected. `name` is how Locust's tables group it (a path, or "/api/users/:id").
  // Both return false when the request was not counted: the worker has sent its last report (the master ended
  // the test), and what ends after that reaches no table.
  bool success(std::string_view method, std::string_view name, std::chrono::nanoseconds response_time,
               std::uint64_t content_length);
  // A request that failed (no answer, or a wrong one): counted as a request and as a failure, as Locust does,
  // with `error` as the message its error table groups by. Keep it free of ids, or each one is a row.
  // `content_length`: the body of a wrong answer, counted as Locust counts it (0 with no answer).
  bool failure(std::string_view method, std::string_view name, std::chrono::nanoseconds response_time,
               std::string_view error, std::uint64_t content_length = 0);

  // Every request recorded in `metrics` from now on is reported here too, so that flows whose agents record
  // there (agent_options::metrics) need no success()/failure() of their own. The label's first word is the
  // method and the rest the name ("GET /api/users/:id"); a status of 400 or above, or no response, is a
  // failure ("HTTP 404", or the error's code), as Locust's HttpUser counts it. Call it before the agents start;
  // `metrics` and this must outlive them.
  void take_requests_from(endpoint_metrics& metrics);

  struct impl;

 private:
  friend struct stats_access;  // the worker's side (framework/src/locust/): taking reports is not for flows
  std::unique_ptr<impl> impl_;
};

}  // namespace candar::locust
