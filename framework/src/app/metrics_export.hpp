#pragma once
// A run's figures for a monitoring stack, while it lasts: served to Prometheus (--metrics-listen) and pushed as
// OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_ENDPOINT), both on the supervisor's control thread. After the run, the last
// figures are pushed once, and held for a last scrape, so that a stack's totals equal the result's.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "metrics_listener.hpp"
#include "otlp_push.hpp"
#include "run_metrics.hpp"

namespace candar::detail {

struct metrics_export_settings {
  std::string listen;                // --metrics-listen, "" for none
  std::chrono::milliseconds hold{};  // --metrics-hold: the longest wait for the last scrape
  std::optional<otlp_target> otlp;
  std::string version;  // candar's
};

class metrics_export {
 public:
  using clock_type = std::chrono::steady_clock;
  using figures_source = std::function<run_figures()>;  // read on the io thread

  // Binds the listener (throws std::runtime_error when it cannot) and starts the pushes.
  metrics_export(boost::asio::io_context& io, metrics_export_settings settings, figures_source figures);
  metrics_export(metrics_export const&) = delete;
  metrics_export& operator=(metrics_export const&) = delete;

  [[nodiscard]] std::string listen_url() const { return listener_ ? listener_->url() : std::string(); }

  // The run is over (not from the io thread): its last figures are pushed, waiting at most this long.
  [[nodiscard]] std::chrono::milliseconds last_push_bound() const;
  void run_over();
  // After the result: waits until the last figures were scraped, at most --metrics-hold, or (with no hold given,
  // and a scraper seen twice during the run, a second or more apart) one and a half of its intervals, up to a
  // minute. The longest wait.
  [[nodiscard]] std::chrono::milliseconds hold_bound() const;
  void hold_for_last_scrape();
  // Ends the hold now (a signal: the user wants the process to end).
  void stop_holding();
  // For the result: where the figures went, how many times, and the first failure.
  [[nodiscard]] nlohmann::json to_json() const;

 private:
  metrics_listener::page page();
  // A page is built at most this often (a client asking without pause must not make the control thread rebuild
  // up to 500 endpoints' series each time); the last figures are always built afresh once.
  static constexpr auto page_reuse = std::chrono::milliseconds(500);
  void scraped(bool final);

  boost::asio::io_context& io_;
  metrics_export_settings settings_;
  figures_source figures_;
  clock_type::time_point started_;
  std::uint64_t start_unix_nano_;
  std::optional<metrics_listener> listener_;
  std::optional<otlp_pusher> pusher_;
  mutable std::mutex mutex_;
  std::condition_variable scrape_seen_;
  bool run_over_ = false;
  bool stop_holding_ = false;
  // The io thread's: the page last built, when, and whether it held the last figures.
  std::string page_body_;
  clock_type::time_point page_built_{};
  bool page_final_ = false;
  std::uint64_t final_scrapes_ = 0;
  std::optional<clock_type::time_point> last_scrape_;
  clock_type::duration scrape_interval_{};
};

}  // namespace candar::detail
