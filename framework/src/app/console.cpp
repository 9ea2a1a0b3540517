#include "console.hpp"

#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "candar/failure/error.hpp"
#include "failure/utc_time.hpp"

namespace candar::detail {

namespace {

std::string render(progress_figures const& f) {
  return fmt::format("[{:6.1f}s] {:<8} {}{}score {:>7} | errors {}", std::chrono::duration<double>(f.elapsed).count(),
                     f.phase, f.extra, f.extra.empty() ? "" : " | ", f.score, f.errors);
}

std::string_view name_of(log_level level) {
  switch (level) {
    case log_level::warning:
      return "warning";
    case log_level::error:
      return "error";
    case log_level::info:
      break;
  }
  return "info";
}

std::string_view without_indentation(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

}  // namespace

log_format log_format_of(std::string_view name) {
  if (name == "text") return log_format::text;
  if (name == "json") return log_format::json;
  throw std::invalid_argument(fmt::format("--log-format: '{}' is not text or json", name));
}

console::console(progress_mode mode, log_format format)
    : mode_(format == log_format::json && mode == progress_mode::live ? progress_mode::plain : mode), format_(format) {}

void console::say(log_level level, std::string_view text, nlohmann::json fields) {
  std::lock_guard lock(mutex_);
  if (json()) {
    write_record(level, without_indentation(text), std::move(fields));
    return;
  }
  if (live_line_shown_) std::fputs("\r\033[K", stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  live_line_shown_ = false;
  std::fflush(stdout);
}

void console::progress(progress_figures const& f) {
  if (mode_ == progress_mode::none) return;
  std::lock_guard lock(mutex_);
  auto const text = render(f);
  if (json()) {
    write_record(log_level::info, text,
                 {{"progress",
                   {{"elapsed_s", std::chrono::duration<double>(f.elapsed).count()},
                    {"score", f.score},
                    {"errors", f.errors}}}});
    return;
  }
  if (mode_ == progress_mode::live) {
    std::fputs("\r\033[K", stdout);
    std::fputs(text.c_str(), stdout);
    live_line_shown_ = true;
  } else {
    std::fputs(text.c_str(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
}

void console::admin(nlohmann::json const& record) {
  if (!json()) return;
  std::lock_guard lock(mutex_);
  auto fields = record.is_object() ? record : nlohmann::json{{"record", record}};
  fields["log"] = "admin";
  auto const message = fields.contains("message") && fields["message"].is_string()
                           ? fields["message"].get<std::string>()
                       : fields.contains("event") && fields["event"].is_string() ? fields["event"].get<std::string>()
                                                                                 : std::string("admin");
  fields.erase("message");
  write_record(log_level::info, message, std::move(fields));
}

void console::collected(error const& e) {
  if (!json()) return;
  auto const code = e.inner_code();
  int nth = 0;
  {
    // Counted apart from the output: past its first few, an error never waits on a slow log reader.
    std::lock_guard count_lock(counts_mutex_);
    auto it = logged_per_code_.find(code);
    if (it == logged_per_code_.end()) it = logged_per_code_.emplace(std::string(code), 0).first;
    nth = ++it->second;
  }
  if (nth > errors_logged_per_code) return;
  nlohmann::json codes = nlohmann::json::array();
  for (auto const& f : e.chain()) codes.push_back(f.code);
  nlohmann::json fields{{"code", code}, {"codes", std::move(codes)}};
  if (!e.trace_context().empty()) {
    fields["trace_id"] = e.trace_context().trace_id;
    fields["span_id"] =
        e.trace_context().span_id.empty() ? nlohmann::json() : nlohmann::json(e.trace_context().span_id);
  }
  if (nth == errors_logged_per_code) {
    fields["more_not_logged"] = true;  // the rest of this code is counted in the result, not logged
  }
  std::lock_guard lock(mutex_);
  write_record(log_level::error, e.summary(), std::move(fields));
}

void console::finish() {
  std::lock_guard lock(mutex_);
  if (live_line_shown_) std::fputc('\n', stdout);
  live_line_shown_ = false;
  std::fflush(stdout);
}

void console::write_record(log_level level, std::string_view message, nlohmann::json fields) {
  // Ordered: the time and the level first, as a reader scans a line.
  nlohmann::ordered_json r{{"time", rfc3339_utc(std::chrono::system_clock::now())},
                           {"level", name_of(level)},
                           {"phase", phase_ ? phase_() : std::string()},
                           {"message", message}};
  if (fields.is_object()) {
    for (auto& [key, value] : fields.items()) {
      if (!r.contains(key)) r[key] = value;  // into an ordered_json: a copy either way
    }
  }
  auto const line = r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace candar::detail
