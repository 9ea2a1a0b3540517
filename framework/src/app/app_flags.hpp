#pragma once
// The standard flags of a contest's benchmarker and the contest's own, read once and checked before any load:
// a typo, an unwritable result file or a broken baseline is one line of usage error (exit 2), not a lost run.
#include <chrono>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "baseline_gate.hpp"
#include "candar/app/benchmarker_app.hpp"
#include "metrics_listener.hpp"
#include "otlp_push.hpp"
#include "report_stream.hpp"

namespace candar::detail {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A number of seconds above zero and at most a million (so that no duration overflows), fractions allowed.
extern CLI::Validator const seconds_check;

struct app_flags {
  using duration = std::chrono::steady_clock::duration;

  app_flags(std::string name, std::string const& about);

  // Throws usage_error; false when --help or --version was asked (and printed).
  bool parse(int argc, char** argv);
  // A contest's seconds flag, converted once parsed; `into` keeps its value when the flag is absent.
  void add_seconds(std::string const& flag, duration& into, std::string const& help);

  // The result's files: the JSON (--result) and the HTML report (--report). Throws on failure.
  // The result, and the report and JUnit files asked for (the report with the HAR of --har when there is one).
  void write_results(nlohmann::json const& j, nlohmann::json const* har = nullptr) const;
  // The stream's last line: the whole result. A reader that does not take it costs a warning, not the run.
  void finish_stream(nlohmann::json j, std::chrono::milliseconds wait = std::chrono::milliseconds(-1));

  std::string name;
  CLI::App cli;
  run_settings settings;
  std::string progress = "auto";
  std::string log_format = "text";  // or "json": each line a JSON record (console.hpp)
  double duration_s = 60, prepare_s = 20, validate_s = 20;
  std::string result_file;
  std::string report_file;                 // the HTML report
  std::string junit_file;                  // the run as JUnit XML
  std::string har_file;                    // the flows of the first errors, as HAR 1.2
  std::string metrics_listen;              // HOST:PORT serving Prometheus' text format while the run lasts
  double metrics_hold_s = 0;               // how long the last figures wait for their scrape
  std::optional<otlp_target> otlp;         // from OTEL_EXPORTER_OTLP_ENDPOINT and its kin
  std::vector<std::string> otlp_warnings;  // OTEL_* settings it could not follow, said at the start
  std::string baseline_file;
  double max_drop = 10;
  std::vector<std::string> gate_p99;
  std::optional<baseline> base;
  int report_fd = -1;
  std::optional<report_stream> stream;
  double starve_loops = 0;  // hidden: starves the loops on purpose, to test the saturation check
  int repeat = 1;
  std::string save_state_file;                // --save-state: the contest's model, written after the run
  std::string state_file;                     // --state, with --validate-only
  std::optional<nlohmann::json> saved_state;  // read from --state (checked: this contest's, this seed's)
  std::vector<std::string> raw_args;          // as given, for the repeated runs

 private:
  // --save-state, --validate-only and --state together; reads the state file (before any request).
  void check_post_restart_flags();
  // The contest's seconds flags: read as numbers, converted after parsing (deques: the options point into them).
  std::deque<std::pair<double, duration*>> seconds_;
  std::deque<std::pair<CLI::Option*, std::size_t>> seconds_options_;
};

}  // namespace candar::detail
