// @NAME@-bench: benchmarks a webapp. The ready main gives the standard flags (--target, --duration, --threads,
// --seed, --result, --help, --version, ...), the progress line, the verdict, the JSON result and the exit code
// (--help lists them); this file adds the contest and its own flags.
#include <optional>
#include <string>

#include "contest.hpp"

int main(int argc, char** argv) {
  candar::benchmarker_app app("@NAME@-bench", "Benchmarks the @NAME@ webapp.");
  std::string initialize = "POST /initialize";
  app.text_flag("initialize", initialize,
                "the request that resets the webapp's data before the run, 'METHOD PATH' (default 'POST /initialize'), "
                "or 'none'");
  std::optional<@NAMESPACE@::contest> game;  // after the app, which keeps the event loops its agents were made on
  return app.run(argc, argv, {.setup = [&](candar::benchmark& b, candar::run_settings const& s, candar::logs&) {
                                game.emplace(s, @NAMESPACE@::initialize_request::parse(initialize), b);
                              }});
}
