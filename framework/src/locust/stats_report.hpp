#pragma once
// The worker's side of request_stats: what was recorded since the last report, taken at once from every
// loop's shard, and written as the data of Locust's "stats" message.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "candar/locust/request_stats.hpp"
#include "stats_entry.hpp"

namespace candar::locust {

struct stats_report {
  double start_time = 0;                                               // epoch seconds: when this delta began
  std::map<std::pair<std::string, std::string>, stats_entry> entries;  // (name, method) -> entry
  stats_entry total;
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> errors;  // (method, name, error)

  // A later delta added in: what an unsent report carries into the next one.
  void merge(stats_report&& later);
  // {"stats", "stats_total", "errors", "user_classes_count", "user_count"}: the data of a "stats" message.
  void write(msgpack::writer& w, std::map<std::string, std::int64_t> const& user_classes_count) const;
};

struct request_stats::impl {
  // Distinct (method, name) rows and errors kept per loop; past that, requests count under "(other names)"
  // and errors under "(other errors)", so a flow that puts ids in names cannot grow the report without end.
  static constexpr std::size_t max_names = 1000;
  static constexpr std::size_t max_errors = 200;

  virtual ~impl() = default;
  // Everything recorded since the last take (or since construction).
  virtual stats_report take() = 0;
  // From now on nothing more is recorded: what take() returns next is the last of it.
  virtual void close() = 0;
};

// The worker's way in to a request_stats (its friend).
struct stats_access {
  static request_stats::impl& of(request_stats& stats) noexcept { return *stats.impl_; }
};

}  // namespace candar::locust
