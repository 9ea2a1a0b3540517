// stuck-bench: a contest that breaks the ready main on purpose, for tests/app/stuck_run_test.cpp.
//   --stuck-loop     after Load, an event loop is blocked for good (blocking scenario code): the loops cannot be
//                    joined; the result must be out before, and the watchdog must end the process (exit 3)
//   --throw-in-hook  an error hook throws, from a completion handler on a loop: std::terminate must write what
//                    is known and exit 3 naming the exception
//   --critical       Load finds wrong data once, then waits for its end; Validate scores "validated"
//   --stop-on-critical  with --critical: the contest stops at its first critical error
#include <chrono>
#include <future>
#include <stdexcept>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>

#include "candar/app/benchmarker_app.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/context/spawn.hpp"
#include "candar/failure/category.hpp"

int main(int argc, char** argv) {
  using namespace candar;
  benchmarker_app app("stuck-bench", "Breaks the ready main on purpose (for the tests).");
  bool stuck_loop = false;
  bool throw_in_hook = false;
  bool critical = false;
  bool stop_on_critical = false;
  app.switch_flag("stuck-loop", stuck_loop, "block an event loop for good after Load");
  app.switch_flag("throw-in-hook", throw_in_hook, "an error hook that throws");
  app.switch_flag("critical", critical, "wrong data once in Load");
  app.switch_flag("stop-on-critical", stop_on_critical, "stop at the first critical error");
  contest_definition contest{.setup = [&](benchmark& b, run_settings const&, logs&) {
    b.result().score().set_weight("tick", 1).set_weight("validated", 1);
    b.result().errors().set_classifier(error_categories().assign("wrong", category::validation).classifier());
    if (throw_in_hook) {
      b.on_error([](error const&, step&) { throw std::runtime_error("hook exploded"); });
    }
    b.add({.name = "stuck",
           .load = [&](step& s) -> boost::asio::awaitable<void> {
             s.add_score("tick");
             if (throw_in_hook) throw std::runtime_error("a panic for the hook");
             if (critical) {
               s.add_error(error("status", "GET /: 500 (not critical)").wrap("visit"));
               s.add_error(error("wrong", "GET /: the third answer was wrong").wrap("visit"));
               s.add_error(error("wrong", "GET /: another wrong answer").wrap("visit"));
             }
             co_await sleep(s.context(), std::chrono::hours(1));  // until Load ends
             if (stuck_loop) {
               boost::asio::post(s.runtime().executor(s.runtime().size() - 1), [] {
                 std::promise<void> never;
                 never.get_future().wait();
               });
             }
           },
           .validate = !critical ? scenario::step_function() : [](step& s) -> boost::asio::awaitable<void> {
             s.add_score("validated");
             co_return;
           }});
  }};
  // A contest's choice, made before its flags are read: this test contest takes it from its arguments.
  for (int i = 1; i < argc; ++i) contest.stop_on_critical |= std::string_view(argv[i]) == "--stop-on-critical";
  return app.run(argc, argv, contest);
}
