// Prepare: bring the webapp to its initial state and check it answers as it must, before any load. A failed
// Prepare fails the run and skips the load.
#include <algorithm>
#include <utility>

#include "contest.hpp"

namespace @NAMESPACE@ {

using namespace candar;

std::optional<initialize_request> initialize_request::parse(std::string const& text) {
  if (text == "none") return std::nullopt;
  auto const space = text.find(' ');
  initialize_request r{text.substr(0, space), space == std::string::npos ? "" : text.substr(space + 1)};
  bool const method_ok = !r.method.empty() && std::all_of(r.method.begin(), r.method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!method_ok || r.path.empty() || r.path.front() != '/' || r.path.find(' ') != std::string::npos) {
    throw bad_usage("--initialize takes 'METHOD PATH' (e.g. 'POST /initialize') or 'none', not '" + text + "'");
  }
  return r;
}

contest::contest(run_settings const& settings, std::optional<initialize_request> initialize, benchmark& b)
    : settings_(settings),
      initialize_(std::move(initialize)),
      users_({.base_url = settings.target, .timeout = std::chrono::seconds(5), .metrics = &b.result().metrics()}) {
  // What scores: a successful visit is worth 1; each failed visit takes 1 away.
  b.result().score().set_weight("visit", 1).set_deduction("visit", 1);
  // Errors of the class "validation" fail the run (wrong data); "scenario" ones (a status, a timeout) cost points.
  // An error's class is the most severe of its chain's codes: `visit > body` is wrong data, not a deduction.
  b.result().errors().set_classifier(error_categories()
                                          .assign("prepare", category::initialize)
                                          .assign("visit", category::scenario)
                                          .assign("wrong-data", category::validation)
                                          .assign(codes::body, category::validation)
                                          .assign(codes::asset, category::validation)
                                          .classifier());
  for (int i = 0; i < 20; ++i) users_.add({.id = i, .name = "user" + std::to_string(i)});
  b.add({.name = "@NAME@",
         .prepare = [this](step& s) { return prepare(s); },
         .load = [this](step& s) { return load(s); },
         .validate = [this](step& s) { return validate(s); }});
}

awaitable<void> contest::prepare(step& s) {
  agent a({.base_url = settings_.target, .timeout = settings_.prepare_timeout});
  if (initialize_) {  // the webapp's data back to where the benchmarker's model starts
    auto const endpoint = initialize_->method + " " + initialize_->path;
    auto init = co_await a.make(initialize_->method, initialize_->path).send();
    if (auto e = check(init, endpoint, expect::status({200, 204}))) co_return s.add_error(std::move(*e).wrap("prepare"));
  }
  auto home = co_await a.get("/").send();
  if (auto e = check(home, "GET /", expect::status(200))) co_return s.add_error(std::move(*e).wrap("prepare"));
}

}  // namespace @NAMESPACE@
