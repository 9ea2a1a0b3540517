#pragma once
// The control thread around one run, beside its event loops: SIGINT/SIGTERM (the first cancels the run, the
// second ends the process with what is known), the progress line, a sample every second (the timeline, the
// saturation count, a line on the report stream), and a watchdog. Should the run not stop within its upper
// bound, its loops not stop after the result is out, or std::terminate be called, the supervisor writes what is
// known and ends the process: the result is never lost to a stuck or throwing contest.
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "app_flags.hpp"
#include "candar/context/context.hpp"
#include "console.hpp"
#include "loop_watch.hpp"
#include "metrics_export.hpp"
#include "saturation.hpp"
#include "timeline.hpp"

namespace candar {
class benchmark;
class runtime;
}  // namespace candar

namespace candar::detail {

class run_supervisor {
 public:
  using clock_type = std::chrono::steady_clock;
  struct run_parts {
    app_flags& flags;
    contest_definition const& contest;
    benchmark& bench;
    runtime& loops;
    context parent;  // the run's: the first signal cancels it
    console& out;
    clock_type::time_point started;
    clock_type::duration bound;  // the run's upper bound
  };

  // Starts the control thread, and the metrics' listener and pushes when asked (throws std::runtime_error when
  // the listener cannot bind).
  explicit run_supervisor(run_parts parts);
  // Stops the control thread, if join() did not.
  ~run_supervisor();
  run_supervisor(run_supervisor const&) = delete;
  run_supervisor& operator=(run_supervisor const&) = delete;

  [[nodiscard]] bool interrupted() const noexcept { return interrupted_.load(); }
  // The run is over: no more progress lines nor samples; the last stretch, up to now, is sampled.
  void stop_sampling();
  [[nodiscard]] timeline const& seconds_line() const noexcept { return seconds_line_; }
  [[nodiscard]] saturation_count const& saturation() const noexcept { return saturation_; }

  // --metrics-listen's address, "" without it.
  [[nodiscard]] std::string metrics_url() const { return metrics_ ? metrics_->listen_url() : std::string(); }
  // After the run, before the result: the last figures pushed (OTLP), and served as final from now on.
  void metrics_run_over();
  // Where the metrics went, for the result (null without --metrics-listen or OTLP).
  [[nodiscard]] nlohmann::json metrics_json() const { return metrics_ ? metrics_->to_json() : nlohmann::json(); }
  // After the loops stopped: the last figures held for a last scrape (metrics_export::hold_for_last_scrape).
  void hold_metrics();

  // Writes the whole result (throws when it cannot), unless a give-up is writing its own, which ends the process
  // (then this never returns). Then the watchdog gives the loops a short time to stop.
  void write_result(nlohmann::json const& j, nlohmann::json const* har = nullptr);
  // Stops the control thread and waits for it.
  void join();

 private:
  void give_up(std::string const& why, int code);
  [[nodiscard]] run_figures figures() const;
  void listen();
  void tick();
  void sample_tick();
  void take_sample();
  void watch();
  // Runs f on the control thread, whose timers are not thread-safe, and waits for it.
  void on_control(std::function<void()> const& f);

  run_parts parts_;
  boost::asio::io_context control_;
  boost::asio::signal_set signals_;
  // The whole result once written, and who writes: the run's end, or a give-up (once; then no one else).
  std::mutex write_mutex_;
  std::optional<nlohmann::json> written_;
  std::atomic<bool> giving_up_{false};
  std::atomic<bool> interrupted_{false};
  bool finishing_ = false;  // the control thread's: no more progress lines nor samples
  boost::asio::steady_timer ticker_;
  std::chrono::milliseconds progress_period_;
  timeline seconds_line_;
  loop_watch lag_watch_;
  saturation_count saturation_;
  double cpu_before_;
  double waited_before_;
  double webapp_work_before_;
  boost::asio::steady_timer sampler_;
  int samples_taken_ = 0;
  std::string streamed_phase_;
  boost::asio::steady_timer watchdog_;
  std::string watchdog_reason_ = "internal error: the run did not stop within its upper bound";
  std::atomic<double> last_lag_ms_{0};
  std::optional<metrics_export> metrics_;  // after control_: gone before it
  std::function<void(std::string const&, int)> give_up_on_terminate_;
  std::terminate_handler previous_terminate_;
  std::thread control_thread_;
};

}  // namespace candar::detail
