#pragma once
// What the contestant sees while the run goes: the benchmarker's sentences, and a progress line (elapsed,
// phase, the contest's own figures, score so far, errors) redrawn in place on a terminal, printed every few
// seconds otherwise.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace candar::detail {

enum class progress_mode { live, plain, none };


struct progress_figures {
  std::chrono::steady_clock::duration elapsed{};
  std::string phase;
  std::string extra;  // the contest's figures, e.g. "load level   3"
  std::int64_t score = 0;
  std::int64_t errors = 0;
};

class console {
 public:
  explicit console(progress_mode mode) : mode_(mode) {}

  // A sentence on its own line (the live progress line is redrawn under it).
  void line(std::string_view text);
  void progress(progress_figures const& f);
  // Ends the live line before the summary.
  void finish();
  [[nodiscard]] progress_mode mode() const noexcept { return mode_; }

 private:
  std::mutex mutex_;
  progress_mode const mode_;
  bool live_line_shown_ = false;
};

}  // namespace candar::detail
