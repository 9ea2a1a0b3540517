#include "single_run.hpp"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/benchmark/benchmark.hpp"
#include "candar/failure/codes.hpp"
#include "candar/load/logs.hpp"
#include "candar/runtime/process_usage.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/version.hpp"
#include "exit_policy.hpp"
#include "result_file.hpp"
#include "run_supervisor.hpp"

namespace candar::detail {

namespace {

using clock_type = std::chrono::steady_clock;

// Grace after the three phases' timeouts before the run is stopped from outside.
constexpr auto grace = std::chrono::seconds(5);

progress_mode mode_of(std::string const& progress) {
  if (progress == "none") return progress_mode::none;
  if (progress == "plain") return progress_mode::plain;
  return isatty(STDOUT_FILENO) ? progress_mode::live : progress_mode::plain;
}

void print_summary(result const& r, run_summary const& s, std::optional<std::string> const& file) {
  auto const& errors = r.errors();
  auto const& score = r.score();
  std::cout << fmt::format("{}: score {} (sum {}, deductions {}){}\n", s.outcome.pass ? "PASS" : "FAIL",
                           score.total(errors), score.sum(), score.deduction(errors),
                           s.interrupted ? " — interrupted" : "");
  for (auto const& reason : s.outcome.reasons) std::cout << "  failed: " << reason << '\n';
  std::cout << "breakdown:\n";
  for (auto const& [tag, n] : score.breakdown()) {
    std::cout << fmt::format("  {:<15} {:>8} x {:>2} = {}\n", tag, n, score.weight(tag), n * score.weight(tag));
  }
  std::cout << fmt::format("errors: {}\n", errors.count());
  for (auto const& [category, n] : errors.counts_by_class()) std::cout << fmt::format("  {:<12} {}\n", category, n);
  int shown = 0;
  for (auto const& e : errors.all()) {
    if (++shown > 10) {
      std::cout << "  ... (every code's first messages are in the result file)\n";
      break;
    }
    std::cout << "  " << e.summary() << '\n';
  }
  if (auto const late = r.errors_after_window().count(); late > 0) {
    std::cout << fmt::format("cut off by the end of their phase (not counted): {}\n", late);
  }
  std::cout << fmt::format("benchmarker CPU: {:.2f}s over {:.2f}s\n", s.cpu_seconds, s.wall_seconds);
  if (file) std::cout << "result: " << *file << '\n';
}

// Why the score measured the benchmarker rather than the webapp, or nothing.
std::string invalid_sentence(result const& r, saturation_count const& saturation) {
  if (auto const own_failures = r.errors().count(codes::benchmarker); own_failures > 0) {
    auto const first = r.errors().messages(codes::benchmarker, 1);
    return fmt::format("the benchmarker failed {} times on its own limits, not the webapp's{}", own_failures,
                       first.empty() ? "" : " (" + first.front() + ")");
  }
  return saturation.invalid() ? saturation.sentence() : std::string();
}

void add_benchmarker_figures(nlohmann::json& j, result const& r, saturation_count const& s) {
  auto& b = j["benchmarker"];
  b["saturated_seconds"] = s.saturated_seconds();
  b["worst_loop_lag_ms"] = s.worst_lag_ms();
  b["worst_cpu_wait_fraction"] = s.worst_wait_fraction();
  b["webapp_cpu_seconds"] = s.webapp_cpu_seconds();  // reading the webapp's bytes, in Load
  b["cpu_starved_seconds"] = s.starved_seconds();
  if (s.waited_for_cpu()) b["cpu_wait_warning"] = s.wait_sentence();
  // The benchmarker's own failures (a socket it could not open): the score measured its limits, not the webapp.
  b["own_failures"] = r.errors().count(codes::benchmarker);
}

}  // namespace

int run_once(app_flags& flags, contest_definition const& contest, std::optional<runtime>& loops,
             std::optional<benchmark>& bench) {
  console out(mode_of(flags.progress));
  logs log([&out](std::string_view line) { out.line(line); }, logs::discard());
  auto const& cs = flags.settings;
  auto const bound = cs.prepare_timeout + (cs.prepare_only ? clock_type::duration() : cs.load_duration + cs.validate_timeout) + grace;
  try {
    loops.emplace(cs.threads);
    bench.emplace(benchmark_options{.prepare_timeout = cs.prepare_timeout,
                                    .load_timeout = cs.load_duration,
                                    .validate_timeout = cs.validate_timeout,
                                    .prepare_only = cs.prepare_only});
    if (contest.setup) contest.setup(*bench, cs, log);
  } catch (bad_usage const& e) {
    std::cerr << flags.name << ": " << e.what() << " (see " << flags.name << " --help)\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << flags.name << ": internal error: " << e.what() << '\n';
    return 3;
  }

  auto const started = clock_type::now();
  auto const cpu_before = process_cpu_seconds();
  context parent = context().with_deadline(loops->executor(0), started + bound);
  run_supervisor supervisor({.flags = flags, .contest = contest, .bench = *bench, .loops = *loops, .parent = parent,
                             .out = out, .started = started, .bound = bound});

  run_summary summary;
  run_outcome outcome;
  try {
    auto const& r = bench->run(*loops, parent);
    summary.interrupted = supervisor.interrupted() || r.interrupted() != stop_reason::none;
    auto const classes = r.errors().counts_by_class();
    std::int64_t critical = 0;
    for (auto const& c : contest.critical_classes) critical += classes.contains(c) ? classes.at(c) : 0;
    summary.outcome = judge({.prepare_failed = r.prepare_failed(),
                             .validate_failed = r.record(phase::validate).failed,
                             .critical_errors = critical,
                             .errors = r.errors().count(),
                             .error_limit = contest.error_limit,
                             .score = cs.prepare_only ? 1 : r.score().total(r.errors())});
    if (summary.interrupted) {
      summary.outcome.pass = false;
      summary.outcome.reasons.emplace_back("the run was interrupted");
    }
    outcome.interrupted = summary.interrupted;
    outcome.passed = summary.outcome.pass;
    outcome.webapp_failed = r.prepare_failed() || r.record(phase::validate).failed || critical > 0;
  } catch (std::exception const& e) {
    summary.internal_error = e.what();
    summary.outcome.pass = false;
    summary.outcome.reasons.push_back(fmt::format("internal error: {}", e.what()));
    outcome.internal_error = true;
  }
  summary.wall_seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  summary.cpu_seconds = process_cpu_seconds() - cpu_before;
  // The progress line and the samples stop; the signals and the watchdog stay, and the result is written
  // before the loops are stopped: a loop that will not stop cannot lose it.
  supervisor.stop_sampling();

  auto const& r = bench->current();
  auto const& saturation = supervisor.saturation();
  nlohmann::json j;
  std::optional<gate_verdict> gate;
  std::string const invalid = invalid_sentence(r, saturation);
  exit_decision decision;
  try {
    j = result_json(r, cs, summary);
    j["contest"] = flags.name;
    j["candar"] = std::string(version);
    j["timeline"] = supervisor.seconds_line().to_json();
    if (contest.add_to_result) contest.add_to_result(j);
    add_benchmarker_figures(j, r, saturation);
    outcome.valid = invalid.empty();
    j["valid"] = outcome.valid;
    // Not compared with anything: the score measured the benchmarker's machine, not the webapp.
    if (!outcome.valid) j["invalid_reason"] = invalid;
    if (flags.base && decide(outcome).code != 5) {
      gate = compare_with(*flags.base, j, flags.max_drop, flags.gate_p99);
      j["baseline"] = {{"file", flags.base->file}, {"score", flags.base->score}, {"max_drop_percent", flags.max_drop},
                       {"regressed", gate->regressed}, {"findings", gate->lines}, {"endpoints", flags.base->endpoints}};
      outcome.regressed = gate->regressed;
    }
    decision = decide(outcome);
    j["exit_code"] = decision.code;
    j["verdict"] = decision.verdict;
    supervisor.write_result(j);
  } catch (std::exception const& e) {
    std::cerr << flags.name << ": internal error: " << e.what() << '\n';
    decision = {3, "internal-error"};
  }
  flags.finish_stream(j);
  print_summary(r, summary, cs.result_file);
  if (!flags.report_file.empty()) std::cout << "report: " << flags.report_file << '\n';
  if (decision.code == 5) std::cout << "INVALID: " << invalid << " (exit 5: not comparable with other runs)\n";
  if (saturation.waited_for_cpu()) std::cout << "warning: " << saturation.wait_sentence() << '\n';
  if (gate) {
    std::cout << "baseline " << flags.base->file << ":\n";
    for (auto const& line : gate->lines) std::cout << "  " << line << '\n';
    if (decision.code == 4) std::cout << "REGRESSION against the baseline (exit 4)\n";
  }
  std::cout.flush();
  // The loops are stopped and joined last, in a moment or never: the watchdog stays armed.
  loops->stop();
  supervisor.join();
  return decision.code;
}

}  // namespace candar::detail
