// @NAME@-bench: benchmarks a webapp. The ready main gives the standard flags (--target, --duration, --threads,
// --seed, --result, --help, --version), the progress line, the verdict, the JSON result and the exit code
// (0 pass, 1 fail, 2 bad usage, 3 internal error); this file adds the contest.
#include <optional>

#include "contest.hpp"

int main(int argc, char** argv) {
  candar::benchmarker_app app("@NAME@-bench", "Benchmarks a @NAME@ webapp.");
  std::optional<bench::contest> game;  // after the app, which keeps the event loops its agents were made on
  return app.run(argc, argv, {.setup = [&](candar::benchmark& b, candar::run_settings const& s, candar::logs&) {
                                game.emplace(s, b);
                              }});
}
