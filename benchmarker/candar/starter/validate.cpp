// Validate: after the load, check that the webapp still holds what the benchmarker wrote (here: that it still
// answers). A wrong answer is "wrong-data", which fails the run; no answer at all (a timeout) is a deduction.
#include "contest.hpp"

namespace @NAMESPACE@ {

using namespace candar;

awaitable<void> contest::validate(step& s) {
  agent a({.base_url = settings_.target, .timeout = settings_.validate_timeout});
  auto home = co_await a.get("/").send();
  if (auto e = check(home, "GET /", expect::status(200))) s.add_error(std::move(*e).wrap(home ? "wrong-data" : "visit"));
}

}  // namespace @NAMESPACE@
