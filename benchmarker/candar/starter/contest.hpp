#pragma once
// @NAME@: what the flows share (the settings, the users) and the three flows, one per phase of the benchmark.
#include <optional>
#include <string>

#include <candar/candar.hpp>

namespace @NAMESPACE@ {

// The request that brings the webapp back to its initial data (--initialize), or none.
struct initialize_request {
  std::string method;
  std::string path;
  // "POST /initialize", "GET /api/reset", or "none"; throws candar::bad_usage (exit 2) otherwise.
  static std::optional<initialize_request> parse(std::string const& text);
};

// One user of the webapp as the benchmarker knows them. Add what your checks need to remember.
struct member {
  int id = 0;
  std::string name{};
  int visits = 0;
};

class contest {
 public:
  // Adds the score table, error classes and scenario to `b`: called once the flags are read.
  contest(candar::run_settings const& settings, std::optional<initialize_request> initialize, candar::benchmark& b);

 private:
  candar::awaitable<void> prepare(candar::step& s);   // prepare.cpp: initialize, then check what must hold
  candar::awaitable<void> load(candar::step& s);      // load.cpp: users visiting, in parallel, until time is up
  candar::awaitable<void> visit(candar::step& s);     // load.cpp: one user's visit
  candar::awaitable<void> validate(candar::step& s);  // validate.cpp: after the load, is the data still right?

  candar::run_settings const settings_;
  std::optional<initialize_request> const initialize_;
  candar::user_pool<member> users_;
};

}  // namespace @NAMESPACE@
