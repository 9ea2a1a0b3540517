#pragma once
// The lines a run ends with: the verdict and score, the breakdown, the errors, the benchmarker's CPU, where
// the files went, and what makes the run invalid or regressed. In text, as a contestant reads them; in JSON
// (--log-format json), each a record of its level with its figures as fields.
#include <optional>
#include <string>
#include <vector>

#include "console.hpp"
#include "result_file.hpp"

namespace candar {
class result;
}

namespace candar::detail {

struct closing_facts {
  std::string saved_to;     // the --save-state line, or ""
  std::string report_file;  // the HTML report, or ""
  std::string har_file;     // --har's file, or ""
  std::size_t har_flows = 0;
  std::string invalid;          // why the run is invalid (exit 5), or ""
  std::string cpu_wait;         // a warning about the machine's CPU, or ""
  std::string metrics_warning;  // OTLP pushes that failed, or ""
  std::string baseline_file;
  std::optional<std::vector<std::string>> gate_lines;  // the baseline gate's findings, when it ran
  bool regressed = false;
  int exit_code = 0;
  std::string verdict;  // the result's: pass, fail, invalid, regressed, ...
};

void print_summary(console& out, result const& r, run_summary const& s, std::optional<std::string> const& file,
                   bool post_restart);
void print_closing(console& out, closing_facts const& f);

}  // namespace candar::detail
