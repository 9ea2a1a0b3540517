#pragma once
// What the contestant sees while the run goes: the benchmarker's sentences, and a progress line (elapsed,
// phase, the contest's own figures, score so far, errors) redrawn in place on a terminal, printed every few
// seconds otherwise.
//
// --log-format json makes each line one JSON object, so that a log pipeline reads levels instead of guessing:
//   {"time":"2026-12-06T21:10:00.123Z","level":"info","phase":"load","message":"..."}
// plus fields of its own: an error's code, trace_id and span_id; the verdict's score; the progress figures.
// The admin log (logs::admin), discarded in text, joins the stream with "log":"admin"; errors are logged as they
// are collected (the first few of each code) instead of in the summary.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace candar {
class error;
}

namespace candar::detail {

enum class progress_mode { live, plain, none };
enum class log_format { text, json };
enum class log_level { info, warning, error };

struct progress_figures {
  std::chrono::steady_clock::duration elapsed{};
  std::string phase;
  std::string extra;  // the contest's figures, e.g. "load level   3"
  std::int64_t score = 0;
  std::int64_t errors = 0;
};

class console {
 public:
  // Errors logged as they come, per code, before the rest of that code is only counted.
  static constexpr int errors_logged_per_code = 10;

  // JSON has no live line: `live` prints plain records.
  explicit console(progress_mode mode, log_format format = log_format::text);

  // A sentence on its own line (the live progress line is redrawn under it).
  void line(std::string_view text) { say(log_level::info, text); }
  // A line of `level`. In JSON its message is `text` without the indentation the text output gives it, with
  // `fields` beside.
  void say(log_level level, std::string_view text, nlohmann::json fields = nlohmann::json::object());
  void progress(progress_figures const& f);
  // JSON only: an admin record, or an error as it is collected (any thread).
  void admin(nlohmann::json const& record);
  void collected(error const& e);
  // Where the run is, for each record's "phase" ("" when there is none yet).
  void set_phase(std::function<std::string()> phase) { phase_ = std::move(phase); }
  // Ends the live line before the summary.
  void finish();
  [[nodiscard]] progress_mode mode() const noexcept { return mode_; }
  [[nodiscard]] bool json() const noexcept { return format_ == log_format::json; }

 private:
  void write_record(log_level level, std::string_view message, nlohmann::json fields);

  std::mutex mutex_;
  progress_mode const mode_;
  log_format const format_;
  bool live_line_shown_ = false;
  std::function<std::string()> phase_;
  std::mutex counts_mutex_;                                  // for logged_per_code_ alone
  std::map<std::string, int, std::less<>> logged_per_code_;  // at most one entry per code the run met
};

// "text" or "json" (--log-format); anything else throws std::invalid_argument.
[[nodiscard]] log_format log_format_of(std::string_view name);

}  // namespace candar::detail
