#include "metrics_export.hpp"

#include <future>

#include <boost/asio/post.hpp>

#include "otlp_metrics.hpp"
#include "prometheus_text.hpp"

namespace candar::detail {

namespace {

std::uint64_t unix_nano_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

}  // namespace

metrics_export::metrics_export(boost::asio::io_context& io, metrics_export_settings settings, figures_source figures)
    : io_(io),
      settings_(std::move(settings)),
      figures_(std::move(figures)),
      started_(clock_type::now()),
      start_unix_nano_(unix_nano_now()) {
  if (!settings_.listen.empty()) {
    listener_.emplace(io_, settings_.listen, [this] { return page(); });
    listener_->on_scrape([this](bool final) { scraped(final); });
  }
  if (settings_.otlp) {
    pusher_.emplace(io_, *settings_.otlp, [this] {
      otlp_resource const resource{.service_name = settings_.otlp->service_name,
                                   .version = settings_.version,
                                   .start_unix_nano = start_unix_nano_};
      return otlp_metrics_json(run_metric_families(figures_()), resource, unix_nano_now())
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    });
    pusher_->start_every_interval();
  }
}

metrics_listener::page metrics_export::page() {
  bool final = false;
  {
    std::lock_guard lock(mutex_);
    final = run_over_;
  }
  auto const now = clock_type::now();
  if (page_body_.empty() || final != page_final_ || now - page_built_ >= page_reuse) {
    page_body_ = prometheus_text(run_metric_families(figures_()));
    page_built_ = now;
    page_final_ = final;
  }
  return {page_body_, final};
}

void metrics_export::scraped(bool final) {
  std::lock_guard lock(mutex_);
  auto const now = clock_type::now();
  if (last_scrape_) scrape_interval_ = now - *last_scrape_;
  last_scrape_ = now;
  if (final) {
    ++final_scrapes_;
    scrape_seen_.notify_all();
  }
}

void metrics_export::run_over() {
  {
    std::lock_guard lock(mutex_);
    run_over_ = true;
  }
  if (!pusher_) return;
  auto const done = std::make_shared<std::promise<void>>();
  auto pushed = done->get_future();
  boost::asio::post(io_, [this, done] { pusher_->push_last([done](std::string const&) { done->set_value(); }); });
  (void)pushed.wait_for(last_push_bound());
}

std::chrono::milliseconds metrics_export::last_push_bound() const {
  // A push under way first, then the last one, each ending itself at the timeout; a moment more for the control
  // thread to get to them.
  return pusher_ ? 2 * settings_.otlp->timeout + std::chrono::seconds(2) : std::chrono::milliseconds::zero();
}

std::chrono::milliseconds metrics_export::hold_bound() const {
  if (!listener_) return {};
  if (settings_.hold > std::chrono::milliseconds::zero()) return settings_.hold;
  std::lock_guard lock(mutex_);
  // Less than a second apart: not a scraper's schedule (someone's curl), nothing to wait for.
  if (scrape_interval_ < std::chrono::seconds(1)) return {};
  auto const one_and_a_half = std::chrono::duration_cast<std::chrono::milliseconds>(scrape_interval_ * 3 / 2);
  return std::min(one_and_a_half, std::chrono::milliseconds(60'000));
}

void metrics_export::hold_for_last_scrape() {
  auto const bound = hold_bound();
  std::unique_lock lock(mutex_);
  scrape_seen_.wait_for(lock, bound, [this] { return final_scrapes_ > 0 || stop_holding_; });
}

void metrics_export::stop_holding() {
  std::lock_guard lock(mutex_);
  stop_holding_ = true;
  scrape_seen_.notify_all();
}

nlohmann::json metrics_export::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (listener_) j["listen"] = {{"url", listener_->url()}, {"scrapes", listener_->scrapes()}};
  if (pusher_) {
    auto const t = pusher_->counts();
    j["otlp"] = {{"url", pusher_->target().url}, {"pushes", t.pushed}, {"failed", t.failed}};
    if (!t.first_error.empty()) j["otlp"]["first_error"] = t.first_error;
  }
  return j;
}

}  // namespace candar::detail
