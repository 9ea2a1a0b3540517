// stuck-bench: a contest that breaks the ready main on purpose, for tests/app/stuck_run_test.cpp.
//   --stuck-loop     after Load, an event loop is blocked for good (blocking scenario code): the loops cannot be
//                    joined; the result must be out before, and the watchdog must end the process (exit 3)
//   --throw-in-hook  an error hook throws, from a completion handler on a loop: std::terminate must write what
//                    is known and exit 3 naming the exception
#include <chrono>
#include <future>
#include <stdexcept>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>

#include "candar/app/benchmarker_app.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/context/spawn.hpp"

int main(int argc, char** argv) {
  using namespace candar;
  benchmarker_app app("stuck-bench", "Breaks the ready main on purpose (for the tests).");
  bool stuck_loop = false;
  bool throw_in_hook = false;
  app.switch_flag("stuck-loop", stuck_loop, "block an event loop for good after Load");
  app.switch_flag("throw-in-hook", throw_in_hook, "an error hook that throws");
  return app.run(argc, argv, {.setup = [&](benchmark& b, run_settings const&, logs&) {
                                b.current().score().set_weight("tick", 1);
                                if (throw_in_hook) {
                                  b.on_error([](error const&, step&) { throw std::runtime_error("hook exploded"); });
                                }
                                b.add({.name = "stuck", .load = [&](step& s) -> boost::asio::awaitable<void> {
                                         s.add_score("tick");
                                         if (throw_in_hook) throw std::runtime_error("a panic for the hook");
                                         co_await sleep(s.context(), std::chrono::hours(1));  // until Load ends
                                         if (stuck_loop) {
                                           boost::asio::post(s.runtime().executor(s.runtime().size() - 1), [] {
                                             std::promise<void> never;
                                             never.get_future().wait();
                                           });
                                         }
                                       }});
                              }});
}
