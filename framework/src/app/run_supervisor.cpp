#include "run_supervisor.hpp"

#include <sched.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <future>
#include <iostream>

#include <fmt/format.h>
#include <boost/asio/post.hpp>

#include "agent/webapp_cpu.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/context/spawn.hpp"
#include "candar/runtime/process_usage.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/version.hpp"
#include "cpu_wait.hpp"
#include "result_file.hpp"

namespace candar::detail {

namespace {

namespace asio = boost::asio;

// The CPUs this process may run on (its affinity mask): the benchmarker's capacity, whatever its loop count.
std::size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return std::max(1U, std::thread::hardware_concurrency());
  return static_cast<std::size_t>(std::max(1, CPU_COUNT(&set)));
}

// The running supervisor's way out for std::terminate (an exception out of an error hook or a classifier,
// thrown in a completion handler on a loop thread): a terminate handler is a plain function, so it finds it here.
std::atomic<std::function<void(std::string const&, int)> const*> give_up_on_terminate{nullptr};

[[noreturn]] void on_terminate() {
  auto const e = std::current_exception();
  auto const why = "internal error: terminate: " + (e ? exception_message(e) : std::string("no exception"));
  if (auto const* give_up = give_up_on_terminate.load()) (*give_up)(why, 3);
  std::cerr << why << '\n';
  std::_Exit(3);
}

std::string phase_name(std::optional<phase> const& p) { return p ? std::string(to_string(*p)) : std::string("done"); }

}  // namespace

run_supervisor::run_supervisor(run_parts parts)
    : parts_(std::move(parts)),
      signals_(control_, SIGINT, SIGTERM),
      ticker_(control_),
      progress_period_(parts_.out.mode() == progress_mode::live ? std::chrono::milliseconds(500)
                                                                : std::chrono::milliseconds(5000)),
      lag_watch_(parts_.loops, std::chrono::milliseconds(100), parts_.flags.starve_loops),
      saturation_(std::min(parts_.loops.size(), usable_cpus())),
      cpu_before_(process_cpu_seconds()),
      waited_before_(process_cpu_wait_seconds()),
      webapp_work_before_(webapp_cpu_seconds()),
      sampler_(control_),
      watchdog_(control_, parts_.bound + std::chrono::seconds(10)) {
  auto const& flags = parts_.flags;
  if (!flags.metrics_listen.empty() || flags.otlp) {
    metrics_.emplace(control_,
                     metrics_export_settings{
                         .listen = flags.metrics_listen,
                         .hold = std::chrono::milliseconds(static_cast<std::int64_t>(flags.metrics_hold_s * 1000)),
                         .otlp = flags.otlp,
                         .version = std::string(version)},
                     [this] { return figures(); });
  }
  listen();
  tick();
  sample_tick();
  watch();
  give_up_on_terminate_ = [this](std::string const& why, int code) { give_up(why, code); };
  give_up_on_terminate = &give_up_on_terminate_;
  previous_terminate_ = std::set_terminate(on_terminate);
  control_thread_ = std::thread([this] { control_.run(); });
}

run_supervisor::~run_supervisor() {
  join();
  give_up_on_terminate = nullptr;
  std::set_terminate(previous_terminate_);
}

void run_supervisor::join() {
  if (!control_thread_.joinable()) return;
  control_.stop();
  control_thread_.join();
}

void run_supervisor::give_up(std::string const& why, int code) {
  if (giving_up_.exchange(true)) std::_Exit(code);  // failed again while giving up, or two at once
  auto& flags = parts_.flags;
  std::cerr << flags.name << ": " << why << '\n';
  std::unique_lock lock(write_mutex_, std::defer_lock);
  // A writer stuck while holding it (terminate in the middle of a write) must not keep this one waiting.
  for (int i = 0; i < 200 && !lock.try_lock(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (lock.owns_lock() && written_) {
    // The whole result is out already: the same, with this failure.
    auto j = *written_;
    j["pass"] = false;
    j["reasons"].push_back(why);
    j["internal_error"] = why;
    j["exit_code"] = code;
    j["verdict"] = code == 3 ? "internal-error" : "fail";
    try {
      flags.write_results(j);
    } catch (std::exception const& e) {
      std::cerr << flags.name << ": " << e.what() << '\n';
    }
    std::_Exit(code);
  }
  // The counters are safe to read from any thread.
  auto const partial = given_up_json(parts_.bench.result(), flags.name, why, code);
  if (flags.settings.result_file) {
    try {
      detail::write_result(*flags.settings.result_file, partial);
    } catch (std::exception const& e) {
      std::cerr << flags.name << ": " << e.what() << '\n';
    }
  }
  // The portal's stream ends with a final line whatever stopped the run, but a stuck reader gets only a moment.
  flags.finish_stream(partial, std::chrono::seconds(2));
  std::_Exit(code);
}

void run_supervisor::listen() {
  signals_.async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (metrics_) metrics_->stop_holding();  // once the result is out, a signal only ends the wait for a scrape
    if (interrupted_.exchange(true)) give_up("a second signal: stopped at once", 1);
    parts_.out.line(fmt::format("{}: stopping the run, the result will be written (again to stop at once)",
                                sig == SIGINT ? "SIGINT" : "SIGTERM"));
    parts_.parent.cancel();
    listen();
  });
}

void run_supervisor::tick() {
  ticker_.expires_after(progress_period_);
  ticker_.async_wait([this](boost::system::error_code ec) {
    if (ec || finishing_) return;
    auto const& r = parts_.bench.result();
    parts_.out.progress({.elapsed = clock_type::now() - parts_.started,
                         .phase = phase_name(parts_.bench.phase_now()),
                         .extra = parts_.contest.progress ? parts_.contest.progress() : std::string(),
                         .score = r.score().total(r.errors()),
                         .errors = r.errors().count()});
    tick();
  });
}

void run_supervisor::take_sample() {
  auto const now = parts_.bench.phase_now();
  std::optional<double> level;
  if (parts_.contest.load_level) level = parts_.contest.load_level();
  double const lag_ms = static_cast<double>(lag_watch_.take_max_lag().count()) / 1000.0;
  last_lag_ms_ = lag_ms;
  double const elapsed_s = std::chrono::duration<double>(clock_type::now() - parts_.started).count();
  auto const stretch = seconds_line_.sample(elapsed_s, phase_name(now), parts_.bench.result(), level,
                                            process_cpu_seconds() - cpu_before_, lag_ms);
  double const waited = process_cpu_wait_seconds();
  // A thread that ended took its share with it: never a negative stretch.
  double const wait_share = stretch.seconds > 0 ? std::max(0.0, waited - waited_before_) / stretch.seconds : 0.0;
  waited_before_ = waited;
  double const webapp_work = webapp_cpu_seconds();
  double const webapp_share = stretch.seconds > 0 ? (webapp_work - webapp_work_before_) / stretch.seconds : 0.0;
  webapp_work_before_ = webapp_work;
  if (now == phase::load) {
    saturation_.load_second_with_webapp(stretch.seconds, lag_ms, stretch.cpu_share, wait_share, webapp_share);
  } else {
    saturation_.other_stretch(stretch.seconds, webapp_share);
  }
  if (parts_.flags.starve_loops > 0) lag_watch_.starve(now == phase::load);
}

run_figures run_supervisor::figures() const {
  auto const& r = parts_.bench.result();
  run_figures f{.endpoints = r.metrics().snapshot(),
                .errors_by_code = r.errors().counts(),
                .score = r.score().total(r.errors()),
                .cpu_seconds = process_cpu_seconds() - cpu_before_,
                .loop_lag_seconds = last_lag_ms_.load() / 1000.0,
                .phase = phase_name(parts_.bench.phase_now())};
  if (parts_.contest.load_level) f.load_level = parts_.contest.load_level();
  return f;
}

void run_supervisor::metrics_run_over() {
  if (!metrics_) return;
  // The last push may take its timeout: the watchdog then counts from now, not from the run's upper bound.
  auto const bound = metrics_->last_push_bound();
  if (bound > std::chrono::milliseconds::zero()) {
    on_control([this, bound] {
      watchdog_.expires_after(bound + std::chrono::seconds(15));
      watch();
    });
  }
  metrics_->run_over();
}

void run_supervisor::hold_metrics() {
  if (!metrics_) return;
  auto const bound = metrics_->hold_bound();
  if (bound <= std::chrono::milliseconds::zero()) return;
  parts_.out.line(fmt::format("metrics: holding the last figures for a scrape at {} (up to {:g} s; Ctrl-C ends it)",
                              metrics_->listen_url(), std::chrono::duration<double>(bound).count()));
  // The loops have stopped: the watchdog now only bounds the wait for the last scrape.
  on_control([this, bound] {
    watchdog_reason_ = "internal error: the run did not end after its last metrics scrape";
    watchdog_.expires_after(bound + std::chrono::seconds(15));
    watch();
  });
  metrics_->hold_for_last_scrape();
}

void run_supervisor::sample_tick() {
  sampler_.expires_at(parts_.started + std::chrono::seconds(samples_taken_ + 1));  // on the second, not drifting
  sampler_.async_wait([this](boost::system::error_code ec) {
    if (ec || finishing_) return;
    take_sample();
    ++samples_taken_;
    // A line every fifth second, and one as soon as a new phase shows: a portal sees Load begin even in a run
    // shorter than five seconds.
    if (auto& stream = parts_.flags.stream) {
      auto line = seconds_line_.last_json();
      auto const phase_now = line.is_object() ? line.value("phase", std::string()) : std::string();
      if (samples_taken_ % 5 == 0 || phase_now != streamed_phase_) {
        streamed_phase_ = phase_now;
        line["final"] = false;
        stream->write(line);
      }
    }
    sample_tick();
  });
}

void run_supervisor::watch() {
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (!ec) give_up(watchdog_reason_, 3);
  });
}

void run_supervisor::on_control(std::function<void()> const& f) {
  std::promise<void> done;
  asio::post(control_, [&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

void run_supervisor::stop_sampling() {
  on_control([this] {
    finishing_ = true;  // a wait that completed before the cancel is not re-armed
    ticker_.cancel();
    sampler_.cancel();
  });
  parts_.out.finish();
  take_sample();
}

void run_supervisor::write_result(nlohmann::json const& j, nlohmann::json const* har) {
  std::unique_lock lock(write_mutex_);
  if (giving_up_) {
    // The watchdog or terminate is writing what it knows and will end the process: leave it the file.
    lock.unlock();
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  parts_.flags.write_results(j, har);
  written_ = j;
  lock.unlock();
  // The rest is a moment, or the stream's final line for a slow reader (up to 10 s), then the loops: the
  // watchdog comes that long from now, no longer at the run's upper bound, which may be near.
  on_control([this] {
    watchdog_reason_ = "internal error: an event loop did not stop after the run (blocking scenario code?)";
    watchdog_.expires_after(std::chrono::seconds(15));  // the wait under way ends with operation_aborted
    watch();
  });
}

}  // namespace candar::detail
