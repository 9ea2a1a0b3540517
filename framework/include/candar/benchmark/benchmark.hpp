#pragma once
// A benchmark: scenarios with Prepare, Load and Validate steps, run phase by phase, each phase under its own
// timeout. A failed Prepare skips Load and Validate; Load steps run concurrently; Prepare and Validate steps
// run one after another in the order they were added.
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "candar/benchmark/result.hpp"
#include "candar/benchmark/step.hpp"
#include "candar/context/context.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {

struct benchmark_options {
  std::chrono::steady_clock::duration prepare_timeout = std::chrono::seconds(20);
  std::chrono::steady_clock::duration load_timeout = std::chrono::seconds(60);
  std::chrono::steady_clock::duration validate_timeout = std::chrono::seconds(20);
  // An exception escaping a step becomes a `panic` error. Off: it is rethrown from run() once every step of
  // the run has stopped, for a debugger to see.
  bool catch_panics = true;
  // Errors carrying any of these codes are dropped (not counted, not shown to hooks).
  std::vector<std::string> ignore_codes{};
  // Stop after Prepare (a check that the webapp initializes and answers correctly).
  bool prepare_only = false;
  // Only Validate (the check after a restart of the webapp: what it acknowledged before must still be there).
  bool validate_only = false;
};

struct scenario {
  using step_function = std::function<boost::asio::awaitable<void>(step&)>;
  std::string name{};
  step_function prepare{};  // any of the three may be empty
  step_function load{};
  step_function validate{};
};

class benchmark {
 public:
  using error_hook = std::function<void(error const&, step&)>;

  explicit benchmark(benchmark_options options = {});
  ~benchmark();
  benchmark(benchmark const&) = delete;
  benchmark& operator=(benchmark const&) = delete;

  benchmark& add(scenario s);
  // Runs on the adding thread, once per collected error; a hook may call step.cancel() (e.g. on a critical error).
  benchmark& on_error(error_hook hook);

  // The result, live: set score weights and error categories here before the run.
  [[nodiscard]] candar::result& result() noexcept;
  // The older name of result().
  [[nodiscard]] candar::result& current() noexcept { return result(); }
  // The phase running now, none before and after the run (any thread).
  [[nodiscard]] std::optional<phase> phase_now() const noexcept;

  // Runs every phase on `rt` and blocks until done. `parent` ending (e.g. on SIGINT) ends the run.
  candar::result const& run(runtime& rt, context parent = context());
  // The same, as a coroutine.
  boost::asio::awaitable<void> start(runtime& rt, context parent = context());

 private:
  std::unique_ptr<detail::benchmark_run> run_;
};

}  // namespace candar
