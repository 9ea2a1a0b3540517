#pragma once
// Was the benchmarker itself the bottleneck? A second of the Load phase is saturated when an event loop ran
// more than `max_lag` late (a request scheduled then started that late), or when the benchmarker used at least
// `max_cpu_fraction` of the cores its loops can use. Apart from that, a second is starved when its threads
// waited for a CPU (the run queue) for at least `max_wait_fraction` of the time they ran or were ready to run:
// said in the result and on the console, not a reason to void the run, because a webapp on the same machine
// causes it as much as hostile neighbours do (2 cores, measured: three busy programs on the benchmarker's core
// gave 75 %; the webapp and the test suite beside it under ASan gave 53 to 82 %). A run whose Load had saturated
// seconds for at least `max_share` of its length, and at least `min_seconds` of them, is invalid: its score says more
// about the benchmarker's machine than about the webapp, so CI must not compare it (exit 5). The thresholds are
// generous on purpose: a loaded machine that merely slows a run must not void it.
#include <cstddef>
#include <deque>
#include <string>
#include <utility>

namespace candar::detail {

struct saturation_rules {
  double max_lag_ms = 500;
  double max_cpu_fraction = 0.97;
  double max_wait_fraction = 0.5;
  double min_wait_share = 0.05;  // seconds waited per second: below it, noise of a nearly idle benchmarker
  double max_share = 0.25;
  double min_seconds = 2.5;  // "at least three seconds", with room for the sampler's jitter
};

class saturation_count {
 public:
  explicit saturation_count(std::size_t loops, saturation_rules rules = {}) : loops_(loops), rules_(rules) {}

  // One second (or stretch of `seconds`) of the Load phase: its worst loop lag, CPU seconds per second, and
  // seconds spent waiting for a CPU per second (all threads).
  void load_second(double seconds, double lag_ms, double cpu_share, double wait_share = 0);
  // The same, with `webapp_share`: seconds per second spent reading what the webapp sent (parsing its pages,
  // decoding its bodies; agent/webapp_cpu.hpp). That work is the webapp's choice: it is taken out of the CPU
  // share and the lag before they are judged, so a webapp cannot void its own run with expensive bytes.
  // A loop held by a parse longer than a second reports its whole lag in the stretch where it ends: the lag is
  // set against the webapp's work over as many recent stretches as it covers, not this one's alone.
  void load_second_with_webapp(double seconds, double lag_ms, double cpu_share, double wait_share, double webapp_share);
  // A stretch outside the Load phase: not judged, but its webapp work may explain the lag of the next ones.
  void other_stretch(double seconds, double webapp_share);

  [[nodiscard]] double load_seconds() const noexcept { return load_; }
  [[nodiscard]] double saturated_seconds() const noexcept { return saturated_; }
  [[nodiscard]] double share() const noexcept { return load_ > 0 ? saturated_ / load_ : 0.0; }
  [[nodiscard]] bool invalid() const noexcept;
  // "the benchmarker was saturated for 35 % of the load (7 of 20 s: event loops late by up to 950 ms)".
  [[nodiscard]] std::string sentence() const;
  [[nodiscard]] double worst_lag_ms() const noexcept { return worst_lag_ms_; }
  // The largest share of its time on or ready for a CPU that the benchmarker spent waiting for one, in a second.
  [[nodiscard]] double worst_wait_fraction() const noexcept { return worst_wait_; }
  [[nodiscard]] double webapp_cpu_seconds() const noexcept { return webapp_; }
  [[nodiscard]] double starved_seconds() const noexcept { return starved_; }
  // Starved for as much of the load as invalid() asks of saturation; and the sentence that says so.
  [[nodiscard]] bool waited_for_cpu() const noexcept;
  [[nodiscard]] std::string wait_sentence() const;

 private:
  void judge(double seconds, double lag_ms, double own_cpu, double cpu_share, double wait_share);
  void remember(double seconds, double webapp_share);
  // The webapp's work, in ms, over the last `lag_ms` of the stretches remembered (the latest included).
  [[nodiscard]] double webapp_ms_within(double lag_ms) const;

  std::size_t loops_;
  saturation_rules rules_;
  double load_ = 0;
  double saturated_ = 0;
  double worst_lag_ms_ = 0;
  double worst_cpu_ = 0;
  double worst_wait_ = 0;
  double webapp_ = 0;  // seconds of the webapp's work, over the load
  double starved_ = 0;
  std::deque<std::pair<double, double>> recent_;  // the latest stretches: seconds, and the webapp's ms in them
};

}  // namespace candar::detail
