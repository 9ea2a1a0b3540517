#pragma once
// @NAME@: what the flows share (the settings, the users) and the three flows, one per phase of the benchmark.
#include <string>

#include <candar/candar.hpp>

namespace bench {

// One user of the webapp as the benchmarker knows them. Add what your checks need to remember.
struct member {
  int id = 0;
  std::string name{};
  int visits = 0;
};

class contest {
 public:
  // Adds the score table, error classes and scenario to `b`: called once the flags are read.
  contest(candar::run_settings const& settings, candar::benchmark& b);

 private:
  candar::awaitable<void> prepare(candar::step& s);   // prepare.cpp: initialize, then check what must hold
  candar::awaitable<void> load(candar::step& s);      // load.cpp: users visiting, in parallel, until time is up
  candar::awaitable<void> visit(candar::step& s);     // load.cpp: one user's visit
  candar::awaitable<void> validate(candar::step& s);  // validate.cpp: after the load, is the data still right?

  candar::run_settings const settings_;
  candar::user_pool<member> users_;
};

}  // namespace bench
