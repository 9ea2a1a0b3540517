#include "loop_watch.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "candar/runtime/runtime.hpp"

namespace candar::detail {

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

// Testing only: every second, the loop busy-waits `fraction` of it, as a scenario burning CPU would, so
// that the ticker's wake-ups come late.
struct hog : std::enable_shared_from_this<hog> {
  asio::steady_timer timer;
  double fraction;
  std::atomic<bool>* stopped;
  std::atomic<bool>* starving;
  std::shared_ptr<void> keep;

  hog(asio::any_io_executor const& ex, double f, std::atomic<bool>* stop, std::atomic<bool>* on,
      std::shared_ptr<void> k)
      : timer(ex), fraction(f), stopped(stop), starving(on), keep(std::move(k)) {}

  void arm(clock_type::time_point at) {
    timer.expires_at(at);
    timer.async_wait([self = shared_from_this(), at](boost::system::error_code ec) {
      if (ec || self->stopped->load(std::memory_order_relaxed)) return;
      if (self->starving->load(std::memory_order_relaxed)) {
        auto const until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                   std::chrono::duration<double>(self->fraction));
        while (clock_type::now() < until) {
        }
      }
      self->arm(std::max(at + std::chrono::seconds(1), clock_type::now()));
    });
  }
};

struct ticker : std::enable_shared_from_this<ticker> {
  asio::steady_timer timer;
  clock_type::duration period;
  std::shared_ptr<void> keep;  // the probe
  std::atomic<std::int64_t>* max_lag_us;
  std::atomic<bool>* stopped;

  ticker(asio::any_io_executor const& ex, clock_type::duration p, std::shared_ptr<void> k,
         std::atomic<std::int64_t>* lag, std::atomic<bool>* stop)
      : timer(ex), period(p), keep(std::move(k)), max_lag_us(lag), stopped(stop) {}

  void arm(clock_type::time_point at) {
    timer.expires_at(at);
    timer.async_wait([self = shared_from_this(), at](boost::system::error_code ec) {
      if (ec || self->stopped->load(std::memory_order_relaxed)) return;
      auto const now = clock_type::now();
      auto const lag = std::chrono::duration_cast<std::chrono::microseconds>(now - at).count();
      auto seen = self->max_lag_us->load(std::memory_order_relaxed);
      while (lag > seen && !self->max_lag_us->compare_exchange_weak(seen, lag, std::memory_order_relaxed)) {
      }
      // The next tick on the schedule; after a stall longer than a period, from now (no burst of catching up).
      auto next = at + self->period;
      if (next < clock_type::now()) next = clock_type::now() + self->period;
      self->arm(next);
    });
  }
};

}  // namespace

loop_watch::loop_watch(runtime& rt, std::chrono::milliseconds period, double starve) {
  for (std::size_t i = 0; i < rt.size(); ++i) {
    auto p = std::make_shared<probe>();
    probes_.push_back(p);
    auto ex = rt.executor(i);
    // Made and armed on the loop itself: a timer belongs to its loop's thread.
    asio::post(ex, [ex, p, period, starve] {
      auto t = std::make_shared<ticker>(ex, period, p, &p->max_lag_us, &p->stopped);
      t->arm(clock_type::now() + period);
      if (starve > 0)
        std::make_shared<hog>(ex, starve, &p->stopped, &p->starving, p)
            ->arm(clock_type::now() + std::chrono::milliseconds(50));
    });
  }
}

loop_watch::~loop_watch() {
  for (auto& p : probes_) p->stopped.store(true, std::memory_order_relaxed);
}

void loop_watch::starve(bool on) noexcept {
  for (auto& p : probes_) p->starving.store(on, std::memory_order_relaxed);
}

std::chrono::microseconds loop_watch::take_max_lag() noexcept {
  std::int64_t worst = 0;
  for (auto& p : probes_) worst = std::max(worst, p->max_lag_us.exchange(0, std::memory_order_relaxed));
  return std::chrono::microseconds(worst);
}

}  // namespace candar::detail
