#include "single_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/agent/agent_options.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/failure/codes.hpp"
#include "candar/load/logs.hpp"
#include "candar/runtime/process_usage.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/version.hpp"
#include "exit_policy.hpp"
#include "har_file.hpp"
#include "result_file.hpp"
#include "run_supervisor.hpp"
#include "saved_state.hpp"
#include "stop_on_critical.hpp"
#include "summary_lines.hpp"

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

// The critical errors kept (the first 100,000), counted by their innermost code: what was wrong, whichever flow
// met it (for --junit's one case per code).
nlohmann::json critical_by_code(result const& r, std::vector<std::string> const& critical) {
  std::map<std::string, std::int64_t> counts;
  for (auto const& e : r.errors().all()) {
    auto const klass = r.errors().class_of(e);
    if (std::find(critical.begin(), critical.end(), klass) != critical.end()) ++counts[std::string(e.inner_code())];
  }
  return counts;
}

// OTLP pushes that did not reach the collector: said, but not the webapp's fault nor a reason to fail the run.
std::string otlp_warning(nlohmann::json const& j) {
  if (!j.contains("metrics_export") || !j["metrics_export"].contains("otlp")) return {};
  auto const& o = j["metrics_export"]["otlp"];
  auto const failed = o.value("failed", std::uint64_t{0});
  if (failed == 0) return {};
  return fmt::format("{} of {} metrics pushes to {} failed (first: {})", failed,
                     failed + o.value("pushes", std::uint64_t{0}), o.value("url", std::string()),
                     o.value("first_error", std::string()));
}

// --validate-only: the contest takes its model back from the state file, before any request. A file that
// parses but that the contest cannot read is a broken file: bad usage too.
void take_back_state(app_flags const& flags, contest_definition const& contest) {
  bool const asked = flags.settings.validate_only || !flags.save_state_file.empty();
  if (asked && (!contest.save_state || !contest.load_state)) {
    throw bad_usage("this contest has no check after a restart (--save-state, --validate-only)");
  }
  if (!flags.saved_state) return;
  try {
    contest.load_state(*flags.saved_state);
  } catch (bad_usage const&) {
    throw;
  } catch (std::exception const& e) {  // nlohmann's type errors, a stoi: the file is not what the contest wrote
    throw bad_usage(fmt::format("--state {}: the contest cannot read its state ({})", flags.state_file, e.what()));
  }
}

// --save-state, once the result is out: a run that ended on its own (not interrupted, no bug of ours) leaves
// its model for the check after a restart. The line to print, or "".
std::string save_state(app_flags const& flags, contest_definition const& contest, run_outcome const& outcome,
                       run_summary const& summary) {
  if (flags.save_state_file.empty()) return {};
  if (outcome.internal_error || summary.interrupted) {
    return "state: not saved (the run did not end on its own)";
  }
  write_state_file(flags.save_state_file, flags.name, flags.settings.seed, contest.save_state());
  return "state: " + flags.save_state_file + " (next: restart the webapp, then --validate-only --state " +
         flags.save_state_file + ")";
}

}  // namespace

int run_once(app_flags& flags, contest_definition const& contest, std::optional<runtime>& loops,
             std::optional<benchmark>& bench) {
  console out(mode_of(flags.progress), log_format_of(flags.log_format));
  logs log([&out](std::string_view line) { out.line(line); },
           [&out](std::string_view record) {
             if (out.json()) out.admin(nlohmann::json::parse(record, nullptr, false));
           });
  auto const& cs = flags.settings;
  first_critical_error first_critical;
  auto const phases = cs.validate_only  ? cs.validate_timeout
                      : cs.prepare_only ? cs.prepare_timeout
                                        : cs.prepare_timeout + cs.load_duration + cs.validate_timeout;
  auto const bound = phases + grace;
  try {
    loops.emplace(cs.threads);
    bench.emplace(benchmark_options{.prepare_timeout = cs.prepare_timeout,
                                    .load_timeout = cs.load_duration,
                                    .validate_timeout = cs.validate_timeout,
                                    .prepare_only = cs.prepare_only,
                                    .validate_only = cs.validate_only});
    if (cs.trace) trace_this_run(cs.seed);  // before setup: the contest may make its agents there
    if (!flags.har_file.empty()) record_exchanges_this_run();
    if (contest.setup) contest.setup(*bench, cs, log);
    take_back_state(flags, contest);
    if (contest.stop_on_critical) stop_at_first_critical(*bench, contest.critical_classes, first_critical);
    if (out.json()) {
      out.set_phase([b = &*bench] {
        auto const now = b->phase_now();
        return now ? std::string(to_string(*now)) : std::string();
      });
      bench->on_error([&out](error const& e, step&) { out.collected(e); });
    }
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
  std::optional<run_supervisor> supervising;
  try {
    supervising.emplace(run_supervisor::run_parts{.flags = flags,
                                                  .contest = contest,
                                                  .bench = *bench,
                                                  .loops = *loops,
                                                  .parent = parent,
                                                  .out = out,
                                                  .started = started,
                                                  .bound = bound});
  } catch (metrics_listen_error const& e) {  // an address taken, or not this machine's
    std::cerr << flags.name << ": " << e.what() << " (see " << flags.name << " --help)\n";
    return 2;
  }
  auto& supervisor = *supervising;
  if (auto const url = supervisor.metrics_url(); !url.empty()) out.line("metrics: " + url);
  for (auto const& w : flags.otlp_warnings) out.say(log_level::warning, "warning: " + w);
  if (flags.otlp) {
    out.line(fmt::format("metrics: pushed to {} every {} s", flags.otlp->url,
                         std::chrono::duration<double>(flags.otlp->interval).count()));
  }

  run_summary summary;
  run_outcome outcome;
  try {
    auto const& r = bench->run(*loops, parent);
    summary.stopped_at_critical = first_critical.summary();
    // Ended by its own first critical error: a verdict on the webapp, not a run cut short.
    bool const stopped_on_purpose = !summary.stopped_at_critical.empty() && r.interrupted() == stop_reason::canceled;
    summary.interrupted = supervisor.interrupted() || (r.interrupted() != stop_reason::none && !stopped_on_purpose);
    auto const classes = r.errors().counts_by_class();
    std::int64_t critical = 0;
    for (auto const& c : contest.critical_classes) critical += classes.contains(c) ? classes.at(c) : 0;
    summary.outcome = judge({.prepare_failed = r.prepare_failed(),
                             .validate_failed = r.record(phase::validate).failed,
                             .critical_errors = critical,
                             .errors = r.errors().count(),
                             .error_limit = contest.error_limit,
                             .score = cs.prepare_only || cs.validate_only ? 1 : r.score().total(r.errors())});
    if (!summary.stopped_at_critical.empty()) {
      summary.outcome.pass = false;
      summary.outcome.reasons.insert(summary.outcome.reasons.begin(),
                                     "stopped at the first critical error: " + summary.stopped_at_critical);
    }
    if (cs.validate_only && r.metrics().total().requests == 0) {
      // Checked nothing (a state with nothing in it that the contest still took): not a pass.
      summary.outcome.pass = false;
      summary.outcome.reasons.emplace_back("the check after a restart sent no request: nothing was checked");
    }
    if (summary.interrupted) {
      summary.outcome.pass = false;
      summary.outcome.reasons.emplace_back("the run was interrupted");
    }
    outcome.interrupted = summary.interrupted;
    outcome.passed = summary.outcome.pass;
    outcome.webapp_failed =
        r.prepare_failed() || r.record(phase::validate).failed || critical > 0 || !summary.stopped_at_critical.empty();
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
  supervisor.metrics_run_over();

  auto const& r = bench->result();
  auto const& saturation = supervisor.saturation();
  nlohmann::json j;
  std::optional<gate_verdict> gate;
  std::string const invalid = invalid_sentence(r, saturation);
  exit_decision decision;
  std::string saved_to;
  try {
    j = result_json(r, cs, summary);
    j["contest"] = flags.name;
    j["candar"] = std::string(version);
    j["timeline"] = supervisor.seconds_line().to_json();
    j["post_restart_check"] = cs.validate_only;
    if (cs.validate_only) j["state_file"] = flags.state_file;
    // The state before the result, which then says where it went (or why not, and the run is then ours to fix).
    try {
      saved_to = save_state(flags, contest, outcome, summary);
      if (!saved_to.empty() && saved_to.starts_with("state: " + flags.save_state_file))
        j["saved_state"] = flags.save_state_file;
    } catch (std::exception const& e) {
      outcome.internal_error = true;
      j["pass"] = false;
      j["internal_error"] = fmt::format("--save-state {}: {}", flags.save_state_file, e.what());
      saved_to = "state: not saved (" + j["internal_error"].get<std::string>() + ")";
    }
    if (contest.add_to_result) contest.add_to_result(j);
    add_benchmarker_figures(j, r, saturation);
    j["errors"]["critical_by_code"] = critical_by_code(r, contest.critical_classes);
    outcome.valid = invalid.empty();
    j["valid"] = outcome.valid;
    // Not compared with anything: the score measured the benchmarker's machine, not the webapp.
    if (!outcome.valid) j["invalid_reason"] = invalid;
    if (flags.base && decide(outcome).code != 5) {
      gate = compare_with(*flags.base, j, flags.max_drop, flags.gate_p99);
      j["baseline"] = {{"file", flags.base->file},           {"score", flags.base->score},
                       {"max_drop_percent", flags.max_drop}, {"gated", flags.gate_p99},
                       {"regressed", gate->regressed},       {"findings", gate->lines},
                       {"endpoints", flags.base->endpoints}};
      outcome.regressed = gate->regressed;
    }
    if (auto m = supervisor.metrics_json(); !m.is_null()) j["metrics_export"] = std::move(m);
    decision = decide(outcome);
    j["exit_code"] = decision.code;
    j["verdict"] = decision.verdict;
    nlohmann::json har;
    if (!flags.har_file.empty()) {
      har = har_of(r.errors(), version);
      write_file_atomically(flags.har_file, har.dump(1, ' ', false, nlohmann::json::error_handler_t::replace));
      j["har"] = {{"file", flags.har_file}, {"flows", har["log"]["pages"].size()}};
    }
    supervisor.write_result(j, har.is_null() ? nullptr : &har);
  } catch (std::exception const& e) {
    std::cerr << flags.name << ": internal error: " << e.what() << '\n';
    decision = {3, "internal-error"};
  }
  flags.finish_stream(j);
  print_summary(out, r, summary, cs.result_file, cs.validate_only);
  print_closing(out, {.saved_to = saved_to,
                      .report_file = flags.report_file,
                      .har_file = flags.har_file,
                      .har_flows = j.contains("har") ? j["har"].value("flows", std::size_t{0}) : 0,
                      .invalid = decision.code == 5 ? invalid : std::string(),
                      .cpu_wait = saturation.waited_for_cpu() ? saturation.wait_sentence() : std::string(),
                      .metrics_warning = otlp_warning(j),
                      .baseline_file = flags.base ? flags.base->file : std::string(),
                      .gate_lines = gate ? std::optional(gate->lines) : std::nullopt,
                      .regressed = decision.code == 4,
                      .exit_code = decision.code,
                      .verdict = std::string(decision.verdict)});
  // The loops are stopped and joined last, in a moment or never: the watchdog stays armed.
  loops->stop();
  supervisor.hold_metrics();
  supervisor.join();
  return decision.code;
}

}  // namespace candar::detail
