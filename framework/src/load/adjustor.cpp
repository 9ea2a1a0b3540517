#include "candar/load/adjustor.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace candar {

adjustment decide(adjust_policy const& policy, std::int64_t level, tick const& t) {
  if (policy.abort_at_errors >= 0 && t.errors_total >= policy.abort_at_errors) {
    return {
        adjustment::action::abort, level,
        fmt::format("load stopped early: {} errors in all (the limit is {})", t.errors_total, policy.abort_at_errors)};
  }
  if (t.errors > policy.new_errors_allowed) {
    return {adjustment::action::hold, level,
            fmt::format("load level kept at {}: {} new errors since the last check (at most {} allowed to raise)",
                        level, t.errors, policy.new_errors_allowed)};
  }
  if (t.successes < policy.successes_to_raise) {
    return {adjustment::action::hold, level,
            fmt::format("load level kept at {}: {} successes since the last check ({} needed to raise)", level,
                        t.successes, policy.successes_to_raise)};
  }
  if (level >= policy.max_level) {
    return {adjustment::action::hold, level, fmt::format("load level kept at {}: the highest level", level)};
  }
  auto const next = std::min(policy.max_level, level + policy.raise_by);
  return {adjustment::action::raise, next, fmt::format("load level raised to {}", next)};
}

load_adjustor::load_adjustor(adjust_policy policy, std::vector<worker*> workers, logs& log, std::int64_t level)
    : policy_(policy), workers_(std::move(workers)), log_(log), level_(level) {
  timeline_.push_back({std::chrono::steady_clock::duration::zero(), level});
}

void load_adjustor::apply(adjustment const& a, tick const& t, context const& load) {
  static constexpr char const* names[] = {"raise", "hold", "abort"};
  log_.contestant(a.reason);
  log_.admin({{"event", "load-adjust"},
              {"tick", t.number},
              {"elapsed_ms", std::chrono::duration_cast<std::chrono::milliseconds>(t.elapsed).count()},
              {"action", names[static_cast<int>(a.what)]},
              {"level", a.level},
              {"successes", t.successes},
              {"errors", t.errors},
              {"errors_total", t.errors_total}});
  switch (a.what) {
    case adjustment::action::raise:
      for (auto* w : workers_) w->add_parallelism(a.level - level());
      level_.store(a.level, std::memory_order_relaxed);
      timeline_.push_back({t.elapsed, a.level});
      break;
    case adjustment::action::abort:
      load.cancel();
      break;
    case adjustment::action::hold:
      break;
  }
}

boost::asio::awaitable<void> load_adjustor::run(context load, std::chrono::steady_clock::duration period,
                                                score const& s, error_collection const& errors) {
  ticker t(period, [&](tick const& now) { apply(decide(policy_, level(), now), now, load); });
  co_await t.run(load, s, errors);
}

}  // namespace candar
