#include "saturation.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace candar::detail {

void saturation_count::load_second(double seconds, double lag_ms, double cpu_share, double wait_share) {
  if (seconds <= 0) return;
  judge(seconds, lag_ms, cpu_share, cpu_share, wait_share);
}

// `own_cpu`: the CPU share of the benchmarker's own work; the wait is judged against all the CPU it used.
void saturation_count::judge(double seconds, double lag_ms, double own_cpu, double cpu_share, double wait_share) {
  load_ += seconds;
  bool const late = lag_ms > rules_.max_lag_ms;
  bool const busy = loops_ > 0 && own_cpu >= rules_.max_cpu_fraction * static_cast<double>(loops_);
  // Of the time its threads ran or were ready to, the part they waited: a benchmarker that mostly waits for
  // the network waits little for a CPU on a quiet machine, whatever its load.
  double const wait = wait_share > 0 ? wait_share / (wait_share + cpu_share) : 0;
  // Not a saturation: a webapp on the same machine (scripts/run.sh, a CI job) makes the benchmarker wait as
  // much as hostile neighbours do, and its figures stay those of that machine. Said, not voided.
  if (wait >= rules_.max_wait_fraction && wait_share >= rules_.min_wait_share) starved_ += seconds;
  if (late || busy) saturated_ += seconds;
  worst_wait_ = std::max(worst_wait_, wait);
  worst_lag_ms_ = std::max(worst_lag_ms_, lag_ms);
  worst_cpu_ = std::max(worst_cpu_, own_cpu);
}

void saturation_count::load_second_with_webapp(double seconds, double lag_ms, double cpu_share, double wait_share,
                                               double webapp_share) {
  if (seconds <= 0) return;
  // `webapp_share` is wall time: a parse slowed by a busy machine keeps its loop late for as long as it lasts,
  // while its CPU share is what the CPU gave it.
  double const webapp_cpu = std::clamp(webapp_share, 0.0, cpu_share);
  webapp_ += webapp_cpu * seconds;
  remember(seconds, webapp_share);
  // A loop parsing a page for 700 ms is 700 ms late by its own clock: at most that much of the lag is the webapp's.
  judge(seconds, std::max(0.0, lag_ms - webapp_ms_within(lag_ms)), cpu_share - webapp_cpu, cpu_share, wait_share);
}

void saturation_count::other_stretch(double seconds, double webapp_share) {
  if (seconds > 0) remember(seconds, webapp_share);
}

void saturation_count::remember(double seconds, double webapp_share) {
  recent_.emplace_back(seconds, std::max(0.0, webapp_share) * seconds * 1000.0);
  if (recent_.size() > 16) recent_.pop_front();  // a lag is never longer than the watchdog lets a run go on
}

double saturation_count::webapp_ms_within(double lag_ms) const {
  double covered_ms = 0;
  double credit_ms = 0;
  for (auto it = recent_.rbegin(); it != recent_.rend() && covered_ms < lag_ms; ++it) {
    double const span_ms = it->first * 1000.0;
    if (span_ms <= 0) continue;
    credit_ms += it->second * std::min(1.0, (lag_ms - covered_ms) / span_ms);  // the older stretch, in part
    covered_ms += span_ms;
  }
  return credit_ms;
}

bool saturation_count::invalid() const noexcept {
  return load_ > 0 && share() >= rules_.max_share && saturated_ >= rules_.min_seconds;
}

bool saturation_count::waited_for_cpu() const noexcept {
  return load_ > 0 && starved_ / load_ >= rules_.max_share && starved_ >= rules_.min_seconds;
}

std::string saturation_count::wait_sentence() const {
  return fmt::format(
      "the benchmarker waited for a CPU for up to {:.0f} % of the time it was ready to run, in {:.0f} of {:.0f} s "
      "of the load: other programs (the webapp, or neighbours) shared its cores, and its latencies include that wait",
      worst_wait_ * 100, starved_, load_);
}

std::string saturation_count::sentence() const {
  auto const out = fmt::format(
      "the benchmarker was saturated for {:.0f} % of the load ({:.0f} of {:.0f} s; event loops late by up "
      "to {:.0f} ms, CPU up to {:.2f} of its {} loops",
      share() * 100, saturated_, load_, worst_lag_ms_, worst_cpu_, loops_);
  return out + ")";
}

}  // namespace candar::detail
