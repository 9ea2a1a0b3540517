// consumer-bench: a benchmarker as an author writes it on the installed candar. Every option struct is set
// with designated initializers naming one member, as the guide does: under the author's -Wall -Wextra (g++
// warns for every member left out that has no default) none of them may warn.
#include <optional>

#include <candar/candar.hpp>

namespace {

using namespace candar;

struct member {
  int id = 0;
};

class contest {
 public:
  contest(run_settings const& settings, benchmark& b)
      : target_(settings.target), users_({.base_url = settings.target, .metrics = &b.result().metrics()}) {
    b.result().score().set_weight("visit", 1);
    users_.add({.id = 1});
    agent_options const options{.timeout = std::chrono::seconds(2)};
    benchmark_options const phases{.catch_panics = true};
    worker_options const loop{.parallelism = 2};
    adjust_policy const policy{.max_level = 10};
    agent_limits const limits{.max_header_count = 50};
    contest_definition const unused{.error_limit = 5};
    (void)options, (void)phases, (void)loop, (void)policy, (void)limits, (void)unused;
    b.add({.name = "consumer", .load = [this](step& s) { return load(s); }});
  }

 private:
  awaitable<void> load(step& s) {
    worker visits(s.runtime(), [this, &s](context const&, std::int64_t) { return visit(s); }, {.parallelism = 2});
    co_await visits.process(s);
  }
  awaitable<void> visit(step& s) {
    auto u = users_.take();
    if (!u) {
      co_await sleep(s.context(), std::chrono::milliseconds(20));
      co_return;
    }
    auto page = co_await u->agent.get("/").send();
    if (auto e = check(page, "GET /", expect::status(200))) co_return s.add_error(std::move(*e).wrap("visit"));
    s.add_score("visit");
  }

  std::string target_;
  user_pool<member> users_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmarker_app app("consumer-bench", "A benchmarker built on candar from another project.");
  std::optional<contest> game;
  return app.run(argc, argv, {.setup = [&](benchmark& b, run_settings const& s, logs&) { game.emplace(s, b); }});
}
