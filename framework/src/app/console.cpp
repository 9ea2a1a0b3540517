#include "console.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace candar::detail {

namespace {
std::string render(progress_figures const& f) {
  return fmt::format("[{:6.1f}s] {:<8} {}{}score {:>7} | errors {}", std::chrono::duration<double>(f.elapsed).count(),
                     f.phase, f.extra, f.extra.empty() ? "" : " | ", f.score, f.errors);
}
}  // namespace

void console::line(std::string_view text) {
  std::lock_guard lock(mutex_);
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

void console::finish() {
  std::lock_guard lock(mutex_);
  if (live_line_shown_) std::fputc('\n', stdout);
  live_line_shown_ = false;
  std::fflush(stdout);
}

}  // namespace candar::detail
