#pragma once
// The master version as the benchmarker knows it, shared by every flow. A refresh is announced before it is
// sent (so a flow that meets the new version early starts again instead of failing) and confirmed once the
// webapp acknowledged it (from then on, a request sent with the old version must be refused).
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace isuchair {

class master_version {
 public:
  using clock = std::chrono::steady_clock;

  explicit master_version(std::string initial) : current_(std::move(initial)) {}

  [[nodiscard]] std::string current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void announce(std::string next) {
    std::lock_guard lock(mutex_);
    pending_ = std::move(next);
  }
  void confirm() {
    std::lock_guard lock(mutex_);
    if (pending_) {
      current_ = std::move(*pending_);
      pending_.reset();
      confirmed_at_ = clock::now();
    }
  }
  // A 422 naming `theirs` for a request sent with `ours` is the refresh at work: the flow starts again.
  [[nodiscard]] bool refresh_explains(std::string const& ours, std::string const& theirs) const {
    std::lock_guard lock(mutex_);
    return ours != theirs && (theirs == current_ || (pending_ && theirs == *pending_));
  }
  // A request sent with `ours` at `sent` had to be refused: the refresh was confirmed before it left.
  [[nodiscard]] bool must_refuse(std::string const& ours, clock::time_point sent) const {
    std::lock_guard lock(mutex_);
    return confirmed_at_ && sent > *confirmed_at_ && ours != current_;
  }

 private:
  mutable std::mutex mutex_;
  std::string current_;
  std::optional<std::string> pending_;
  std::optional<clock::time_point> confirmed_at_;
};

}  // namespace isuchair
