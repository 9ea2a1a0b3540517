#include "summary_lines.hpp"

#include <fmt/format.h>

#include "candar/benchmark/result.hpp"

namespace candar::detail {

void print_summary(console& out, result const& r, run_summary const& s, std::optional<std::string> const& file,
                   bool post_restart) {
  auto const& errors = r.errors();
  auto const& score = r.score();
  auto const verdict_level = s.outcome.pass ? log_level::info : log_level::error;
  if (post_restart) {
    out.say(verdict_level,
            fmt::format("{}: the check after a restart{}", s.outcome.pass ? "PASS" : "FAIL",
                        s.interrupted ? " — interrupted" : ""),
            {{"pass", s.outcome.pass}, {"interrupted", s.interrupted}});
  } else {
    out.say(verdict_level,
            fmt::format("{}: score {} (sum {}, deductions {}){}", s.outcome.pass ? "PASS" : "FAIL", score.total(errors),
                        score.sum(), score.deduction(errors), s.interrupted ? " — interrupted" : ""),
            {{"pass", s.outcome.pass},
             {"score", score.total(errors)},
             {"sum", score.sum()},
             {"deductions", score.deduction(errors)},
             {"interrupted", s.interrupted}});
  }
  for (auto const& reason : s.outcome.reasons) out.say(log_level::error, "  failed: " + reason, {{"reason", reason}});
  if (!out.json()) out.line("breakdown:");
  for (auto const& [tag, n] : score.breakdown()) {
    out.say(log_level::info,
            fmt::format("  {:<15} {:>8} x {:>2} = {}", tag, n, score.weight(tag), n * score.weight(tag)),
            {{"breakdown",
              {{"tag", tag}, {"count", n}, {"weight", score.weight(tag)}, {"points", n * score.weight(tag)}}}});
  }
  out.say(errors.count() > 0 ? log_level::warning : log_level::info, fmt::format("errors: {}", errors.count()),
          {{"errors", errors.count()}, {"by_class", errors.counts_by_class()}});
  if (!out.json()) {
    // In JSON each error was logged as it came (console::collected): the classes are in the record above.
    for (auto const& [category, n] : errors.counts_by_class()) out.line(fmt::format("  {:<12} {}", category, n));
    int shown = 0;
    for (auto const& e : errors.all()) {
      if (++shown > 10) {
        out.line("  ... (every code's first messages are in the result file)");
        break;
      }
      out.line("  " + e.summary());
    }
  }
  if (auto const late = r.errors_after_window().count(); late > 0) {
    out.say(log_level::info, fmt::format("cut off by the end of their phase (not counted): {}", late),
            {{"not_counted", late}});
  }
  out.say(log_level::info, fmt::format("benchmarker CPU: {:.2f}s over {:.2f}s", s.cpu_seconds, s.wall_seconds),
          {{"cpu_seconds", s.cpu_seconds}, {"wall_seconds", s.wall_seconds}});
  if (file) out.say(log_level::info, "result: " + *file, {{"result_file", *file}});
}

void print_closing(console& out, closing_facts const& f) {
  if (!f.saved_to.empty()) out.line(f.saved_to);
  if (!f.report_file.empty()) out.say(log_level::info, "report: " + f.report_file, {{"report_file", f.report_file}});
  if (!f.har_file.empty()) {
    out.say(log_level::info,
            fmt::format("har: {} ({} flow{} that led to errors)", f.har_file, f.har_flows, f.har_flows == 1 ? "" : "s"),
            {{"har_file", f.har_file}, {"har_flows", f.har_flows}});
  }
  if (!f.invalid.empty()) {
    out.say(log_level::error, "INVALID: " + f.invalid + " (exit 5: not comparable with other runs)",
            {{"invalid_reason", f.invalid}});
  }
  if (!f.cpu_wait.empty()) out.say(log_level::warning, "warning: " + f.cpu_wait);
  if (!f.metrics_warning.empty()) out.say(log_level::warning, "warning: " + f.metrics_warning);
  if (f.gate_lines) {
    if (!out.json()) out.line("baseline " + f.baseline_file + ":");
    for (auto const& line : *f.gate_lines) out.say(log_level::info, "  " + line, {{"baseline", f.baseline_file}});
    if (f.regressed) {
      out.say(log_level::error, "REGRESSION against the baseline (exit 4)", {{"baseline", f.baseline_file}});
    }
  }
  // The text's first line says it; a log pipeline gets the decision as its own last record.
  if (out.json()) {
    out.say(f.exit_code == 0 ? log_level::info : log_level::error, fmt::format("exit {} ({})", f.exit_code, f.verdict),
            {{"verdict", f.verdict}, {"exit_code", f.exit_code}});
  }
}

}  // namespace candar::detail
