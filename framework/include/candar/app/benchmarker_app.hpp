#pragma once
// The program around a contest's benchmark, ready-made: the flags every benchmarker has, SIGINT/SIGTERM (the
// result still written, marked interrupted; a second signal stops at once), a watchdog over the run's upper
// bound, the progress line, the verdict, the JSON result (written through a rename) and the printed breakdown.
// A contest's main() says what is its own and hands over:
//
//   int main(int argc, char** argv) {
//     candar::benchmarker_app app("mycontest-bench", "Benchmarks a mycontest webapp.");
//     std::int64_t users = 100;
//     app.integer_flag("users", users, 1, 100'000, "users in the initial data");
//     std::optional<my_contest> game;
//     return app.run(argc, argv, {.setup = [&](candar::benchmark& b, candar::run_settings const& s, candar::logs& log)
//     {
//       game.emplace(s, users, log);
//       game->add_to(b);                         // scenarios, score table, error classes
//     }});
//   }
//
// Declare objects that hold agents (a user_pool) after the app: the app keeps the event loops (stopped once the
// run is over) until it goes, so those agents are destroyed after every loop thread has ended.
//
// Standard flags: --target URL (required), --duration S (60), --threads T (one per hardware thread), --seed N (1),
// --result FILE, --trace, --prepare-only, --progress auto|plain|none, --prepare-timeout S (20), --validate-timeout S
// (20); for CI: --repeat N (each run a fresh process; the median reported and gated), --baseline FILE with
// --max-drop PERCENT (10) and --gate-p99 LABEL..., --report-fd N (JSON lines).
// The result holds a per-second timeline (score, per-endpoint requests, errors and latency percentiles, load
// level, the benchmarker's CPU share and event-loop lag); a run in which the benchmarker itself was saturated
// is invalid (exit 5), and never gated.
// Exit codes: 0 pass, 1 fail, 2 bad usage, 3 internal error, 4 regression against the baseline, 5 invalid run.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace candar {

class benchmark;
class logs;

// Thrown by a contest's setup for a flag it finds wrong (a missing folder): exit 2 with the message.
struct bad_usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What the standard flags said.
struct run_settings {
  using duration = std::chrono::steady_clock::duration;
  std::string target{};  // without a trailing '/'
  duration load_duration = std::chrono::seconds(60);
  duration prepare_timeout = std::chrono::seconds(20);
  duration validate_timeout = std::chrono::seconds(20);
  std::size_t threads = 0;  // 0: one loop per hardware thread
  std::uint64_t seed = 1;
  std::optional<std::string> result_file{};
  bool prepare_only = false;
  // --validate-only --state FILE: only Validate runs, against a restarted webapp, on the model the contest took
  // back from FILE (contest_definition::load_state) before it. Prepare and Load do not run: what a contest
  // builds in Prepare, load_state() builds; Validate branches on this to check the restored model.
  bool validate_only = false;
  // --trace: every request carries a W3C traceparent (agent_options::trace as_run), and errors name their trace.
  bool trace = false;
};

struct contest_definition {
  // Called once the flags are read, before the run: add the scenarios, score table and error classes to `b`,
  // and say things to the contestant through `log` (its contestant lines go to the console).
  std::function<void(benchmark& b, run_settings const& settings, logs& log)> setup{};
  // The contest's own figures for the progress line ("load level   3"); any thread, while running.
  std::function<std::string()> progress{};
  // The contest's load level as a number, for the timeline; any thread, while running.
  std::function<double()> load_level{};
  // The contest's own fields of the JSON result (e.g. its load-level timeline); after the run.
  std::function<void(nlohmann::json& result)> add_to_result{};
  // Errors of these classes (error_collection's classifier) fail the run.
  std::vector<std::string> critical_classes = {"validation"};
  // The first critical error ends the run there (Validate does not run): the verdict says "stopped at the first
  // critical error: ..." and the result holds it as "stopped_at_critical". Otherwise the run goes on to count
  // everything (the contestant sees every kind of failure).
  bool stop_on_critical = false;
  // More errors than this fail the run.
  std::int64_t error_limit = 200;
  // The check after a restart (isucon14's --only-post-validation): `--save-state FILE` ends a run by writing
  // save_state()'s JSON (what the contest's model knows: users, what the webapp acknowledged); a later
  // `--validate-only --state FILE`, against the webapp restarted on the same database, hands it to load_state()
  // after setup, then runs only Validate. The file also records the contest's name and --seed (the check takes
  // the file's seed unless --seed is given): another contest's file, another seed or a broken file is exit 2
  // before any request, and so is a load_state() that throws. A check that sends no request fails. Both or
  // neither: without them, the two flags are bad usage.
  std::function<nlohmann::json()> save_state{};
  std::function<void(nlohmann::json const& state)> load_state{};
};

class benchmarker_app {
 public:
  // `name` is the program's (in messages and --help), `about` a sentence for --help.
  benchmarker_app(std::string name, std::string const& about);
  ~benchmarker_app();
  benchmarker_app(benchmarker_app const&) = delete;
  benchmarker_app& operator=(benchmarker_app const&) = delete;

  // The contest's own flags, read into `into` (which keeps its value when the flag is absent). Seconds may
  // have fractions and must be above zero; integers must lie in [min, max].
  benchmarker_app& seconds_flag(std::string const& name, std::chrono::steady_clock::duration& into,
                                std::string const& help);
  benchmarker_app& integer_flag(std::string const& name, std::int64_t& into, std::int64_t min, std::int64_t max,
                                std::string const& help);
  benchmarker_app& switch_flag(std::string const& name, bool& into, std::string const& help);
  benchmarker_app& text_flag(std::string const& name, std::string& into, std::string const& help);

  // Parses the flags, runs the benchmark and returns the exit code.
  int run(int argc, char** argv, contest_definition const& contest);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace candar
