#include "candar/load/ticker.hpp"

#include <stdexcept>

#include "candar/context/spawn.hpp"

namespace candar {

tick difference(score::table const& score_before, score::table const& score_now,
                std::map<std::string, std::int64_t, std::less<>> const& errors_before,
                std::map<std::string, std::int64_t, std::less<>> const& errors_now, std::int64_t errors_total_before,
                std::int64_t errors_total_now) {
  tick t;
  for (auto const& [tag, n] : score_now) {
    auto it = score_before.find(tag);
    auto const d = n - (it == score_before.end() ? 0 : it->second);
    if (d != 0) t.score_delta.emplace(tag, d);
    t.successes += d;
  }
  for (auto const& [code, n] : errors_now) {
    auto it = errors_before.find(code);
    auto const d = n - (it == errors_before.end() ? 0 : it->second);
    if (d != 0) t.error_delta.emplace(code, d);
  }
  t.errors = errors_total_now - errors_total_before;
  t.errors_total = errors_total_now;
  return t;
}

ticker::ticker(std::chrono::steady_clock::duration period, std::function<void(tick const&)> on_tick)
    : period_(period), on_tick_(std::move(on_tick)) {
  if (period_ <= std::chrono::steady_clock::duration::zero())
    throw std::invalid_argument("ticker: period must be positive");
}

boost::asio::awaitable<void> ticker::run(context const& ctx, score const& s, error_collection const& errors) {
  auto const start = std::chrono::steady_clock::now();
  auto score_before = s.breakdown();
  auto errors_before = errors.counts();
  auto total_before = errors.count();
  for (std::int64_t n = 1;; ++n) {
    if (!co_await sleep(ctx, period_)) co_return;
    auto score_now = s.breakdown();
    auto errors_now = errors.counts();
    auto const total_now = errors.count();
    tick t = difference(score_before, score_now, errors_before, errors_now, total_before, total_now);
    t.number = n;
    t.elapsed = std::chrono::steady_clock::now() - start;
    on_tick_(t);
    score_before = std::move(score_now);
    errors_before = std::move(errors_now);
    total_before = total_now;
  }
}

}  // namespace candar
