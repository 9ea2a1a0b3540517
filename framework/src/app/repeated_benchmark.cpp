#include "repeated_benchmark.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/version.hpp"
#include "console.hpp"
#include "exit_policy.hpp"
#include "repeated_runs.hpp"

namespace candar::detail {

namespace {

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

// The runs' outcomes joined: a run's exit code says who failed in it.
run_outcome joined(std::vector<nlohmann::json> const& runs, std::vector<int> const& codes, bool interrupted) {
  auto const any = [&](int code) { return std::find(codes.begin(), codes.end(), code) != codes.end(); };
  return {.internal_error = any(3),
          .webapp_failed = any(1),
          .interrupted = interrupted,
          .passed = std::all_of(runs.begin(), runs.end(), [](auto const& r) { return r.value("pass", false); }),
          .valid = std::all_of(runs.begin(), runs.end(), [](auto const& r) { return r.value("valid", true); })};
}

}  // namespace

int run_repeated(app_flags& flags) {
  forward_stop_signals();
  std::vector<nlohmann::json> runs;
  std::vector<int> codes;
  std::error_code fs_error;
  auto temp_dir = std::filesystem::temp_directory_path(fs_error);
  if (fs_error) temp_dir = ".";
  console out(progress_mode::none, log_format_of(flags.log_format));  // each run prints its own progress
  for (int i = 0; i < flags.repeat && !stop_requested(); ++i) {
    out.say(log_level::info, fmt::format("== run {} of {}", i + 1, flags.repeat),
            {{"run", i + 1}, {"runs", flags.repeat}});
    auto const file = (temp_dir / fmt::format("{}-{}-run{}.json", flags.name, getpid(), i + 1)).string();
    int const code = run_self(child_arguments(flags.raw_args, file));
    if (code == 2) return 2;  // the contest's setup refused its flags: it said why
    std::ifstream in(file);
    auto j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    std::filesystem::remove(file, fs_error);
    if (code < 0 || j.is_discarded() || !j.is_object()) {
      std::cerr << flags.name << ": internal error: run " << i + 1 << " left no result (exit " << code << ")\n";
      return 3;
    }
    runs.push_back(std::move(j));
    codes.push_back(code);
    if (runs.back().value("interrupted", false)) break;  // a signal: no more runs
  }
  std::vector<std::int64_t> scores;
  scores.reserve(runs.size());
  for (auto const& r : runs) scores.push_back(r.value("score", std::int64_t{0}));
  auto const summary = summarize(scores);
  auto outcome = joined(runs, codes, stop_requested() || static_cast<int>(runs.size()) < flags.repeat);
  // The run whose score is the median stands for the endpoints the gate compares (the lower middle of an even count).
  std::vector<std::size_t> order(runs.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return scores[x] < scores[y]; });
  auto const median_endpoints =
      order.empty() ? nlohmann::json::object() : runs[order[(order.size() - 1) / 2]]["endpoints"];
  nlohmann::json j = {{"contest", flags.name},
                      {"candar", std::string(version)},
                      {"pass", decide(outcome).code == 0},
                      {"valid", outcome.valid},
                      {"interrupted", outcome.interrupted},
                      {"score", summary.median},
                      {"repeat", summary.to_json()},
                      {"runs", runs},
                      {"endpoints", median_endpoints}};
  std::string line = "scores:";
  for (auto s : scores) line += " " + with_thousands(s);
  out.say(log_level::info, line, {{"scores", scores}});
  out.say(log_level::info,
          fmt::format("median {}, min {}, max {}, spread {:.1f} % of the median", with_thousands(summary.median),
                      with_thousands(summary.min), with_thousands(summary.max), summary.spread_percent),
          {{"repeat", summary.to_json()}});
  if (auto const& base = flags.base; base && decide(outcome).code == 0) {
    // A fall inside the runs' spread is inconclusive only when the best run is itself within the tolerance:
    // one bad outlier (or a change that only made runs noisier) must not hide a regression.
    double const best_drop =
        base->score > 0 ? (1.0 - static_cast<double>(summary.max) / static_cast<double>(base->score)) * 100 : 0;
    double const tolerated_spread = best_drop <= flags.max_drop ? summary.spread_percent : 0.0;
    auto const gate = compare_with(*base, j, flags.max_drop, flags.gate_p99, tolerated_spread);
    bool const inconclusive = !gate.lines.empty() && gate.lines.front().starts_with("inconclusive");
    j["baseline"] = {{"file", base->file},      {"score", base->score},        {"max_drop_percent", flags.max_drop},
                     {"gated", flags.gate_p99}, {"regressed", gate.regressed}, {"inconclusive", inconclusive},
                     {"findings", gate.lines},  {"endpoints", base->endpoints}};
    if (!out.json()) out.line("baseline " + base->file + " (against the median):");
    for (auto const& l : gate.lines) out.say(log_level::info, "  " + l, {{"baseline", base->file}});
    outcome.regressed = gate.regressed;
  }
  auto const decision = decide(outcome);
  j["exit_code"] = decision.code;
  j["verdict"] = decision.verdict;
  out.say(decision.code == 0 ? log_level::info : log_level::error,
          fmt::format("{}: median score {} over {} runs (exit {})", upper(decision.verdict),
                      with_thousands(summary.median), runs.size(), decision.code),
          {{"verdict", decision.verdict}, {"exit_code", decision.code}, {"score", summary.median}});
  try {
    flags.write_results(j);
  } catch (std::exception const& e) {
    std::cerr << flags.name << ": internal error: " << e.what() << '\n';
    return 3;
  }
  if (!flags.report_file.empty())
    out.say(log_level::info, "report: " + flags.report_file, {{"report_file", flags.report_file}});
  flags.finish_stream(j);
  return decision.code;
}

}  // namespace candar::detail
