// Prepare: bring the webapp to its initial state and check it answers as it must, before any load. A failed
// Prepare fails the run and skips the load.
#include "contest.hpp"

namespace bench {

using namespace candar;

contest::contest(run_settings const& settings, benchmark& b)
    : settings_(settings),
      users_({.base_url = settings.target, .timeout = std::chrono::seconds(5), .metrics = &b.current().metrics()}) {
  // What scores: a successful visit is worth 1; each failed visit takes 1 away.
  b.current().score().set_weight("visit", 1).set_deduction("visit", 1);
  // Errors of the class "validation" fail the run (wrong data); "scenario" ones (a status, a timeout) cost points.
  b.current().errors().set_classifier(error_categories()
                                          .assign("prepare", category::initialize)
                                          .assign("visit", category::scenario)
                                          .assign("wrong-data", category::validation)
                                          .classifier());
  for (int i = 0; i < 20; ++i) users_.add({.id = i, .name = "user" + std::to_string(i)});
  b.add({.name = "@NAME@",
         .prepare = [this](step& s) { return prepare(s); },
         .load = [this](step& s) { return load(s); },
         .validate = [this](step& s) { return validate(s); }});
}

awaitable<void> contest::prepare(step& s) {
  agent a({.base_url = settings_.target, .timeout = settings_.prepare_timeout});
  // A contest's webapp usually has an endpoint that resets its data, e.g.:
  //   auto init = co_await a.post("/initialize").send();
  //   if (auto e = check(init, "POST /initialize", expect::status(200))) co_return s.add_error(std::move(*e).wrap("prepare"));
  auto home = co_await a.get("/").send();
  if (auto e = check(home, "GET /", expect::status(200))) co_return s.add_error(std::move(*e).wrap("prepare"));
}

}  // namespace bench
