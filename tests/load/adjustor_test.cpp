#include "candar/load/adjustor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/runtime/runtime.hpp"
#include "support/unexpected_exception.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using action = adjustment::action;

tick make_tick(std::int64_t successes, std::int64_t errors, std::int64_t errors_total) {
  tick t;
  t.successes = successes;
  t.errors = errors;
  t.errors_total = errors_total;
  return t;
}

TEST(decide, raises_when_successes_pass_the_threshold_and_errors_stay_low) {
  adjust_policy const p{.successes_to_raise = 100, .new_errors_allowed = 3, .raise_by = 2, .max_level = 10};
  auto const a = decide(p, 4, make_tick(100, 3, 3));
  EXPECT_EQ(a.what, action::raise);
  EXPECT_EQ(a.level, 6);
  EXPECT_EQ(a.reason, "load level raised to 6");
}

TEST(decide, holds_when_errors_grew_too_much) {
  adjust_policy const p{.successes_to_raise = 100, .new_errors_allowed = 3};
  auto const a = decide(p, 4, make_tick(1000, 4, 10));
  EXPECT_EQ(a.what, action::hold);
  EXPECT_EQ(a.level, 4);
  EXPECT_EQ(a.reason, "load level kept at 4: 4 new errors since the last check (at most 3 allowed to raise)");
}

TEST(decide, holds_when_successes_are_too_few) {
  adjust_policy const p{.successes_to_raise = 100};
  auto const a = decide(p, 2, make_tick(99, 0, 0));
  EXPECT_EQ(a.what, action::hold);
  EXPECT_EQ(a.reason, "load level kept at 2: 99 successes since the last check (100 needed to raise)");
}

TEST(decide, never_passes_the_highest_level) {
  adjust_policy const p{.raise_by = 5, .max_level = 7};
  EXPECT_EQ(decide(p, 5, make_tick(10, 0, 0)).level, 7);
  auto const at_top = decide(p, 7, make_tick(10, 0, 0));
  EXPECT_EQ(at_top.what, action::hold);
  EXPECT_EQ(at_top.level, 7);
}

TEST(decide, aborts_at_the_error_limit) {
  adjust_policy const p{.abort_at_errors = 50};
  EXPECT_EQ(decide(p, 3, make_tick(10, 0, 49)).what, action::raise);
  auto const a = decide(p, 3, make_tick(10, 1, 50));
  EXPECT_EQ(a.what, action::abort);
  EXPECT_EQ(a.reason, "load stopped early: 50 errors in all (the limit is 50)");
}

TEST(load_adjustor, raises_worker_parallelism_and_tells_both_logs) {
  runtime rt(2);
  score s;
  error_collection errors;
  std::vector<std::string> contestant, admin;
  context load = context().with_timeout(rt.executor(0), 60s);
  // The load ends from the contestant's log: once the adjustor has held at the top level.
  logs log(
      [&](std::string_view l) {
        contestant.emplace_back(l);
        if (l.starts_with("load level kept at 3")) load.cancel();
      },
      [&](std::string_view l) { admin.emplace_back(l); });
  worker w(rt,
           [&](context const&, std::int64_t) -> asio::awaitable<void> {
             s.add("ok");
             co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
           },
           {.parallelism = 1});
  load_adjustor adjust({.successes_to_raise = 0, .raise_by = 1, .max_level = 3}, {&w}, log, 1);
  // level() from another thread while run() raises it, as a progress line reads it (a race under TSan before).
  std::atomic<bool> stop{false};
  std::int64_t highest = 0;
  std::thread reader([&] {
    while (!stop.load()) highest = std::max(highest, adjust.level());
  });
  rt.run([](worker& wk, load_adjustor& adj, context ctx, score& sc, error_collection& er) -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    co_await (wk.process(ctx, test::unexpected_exception()) && adj.run(ctx, 1ms, sc, er));
  }(w, adjust, load, s, errors));
  stop = true;
  reader.join();
  EXPECT_GE(highest, 1);
  EXPECT_LE(highest, 3);
  EXPECT_EQ(load.reason(), stop_reason::canceled);
  ASSERT_EQ(contestant.size(), 3U);
  EXPECT_EQ(contestant[0], "load level raised to 2");
  EXPECT_EQ(contestant[1], "load level raised to 3");
  EXPECT_EQ(contestant[2], "load level kept at 3: the highest level");
  EXPECT_EQ(w.parallelism(), 3);
  ASSERT_EQ(adjust.timeline().size(), 3U);
  EXPECT_EQ(adjust.timeline()[0].level, 1);
  EXPECT_EQ(adjust.timeline()[2].level, 3);
  ASSERT_EQ(admin.size(), contestant.size());
  auto const first = nlohmann::json::parse(admin[0]);
  EXPECT_EQ(first.at("event"), "load-adjust");
  EXPECT_EQ(first.at("action"), "raise");
  EXPECT_EQ(first.at("level"), 2);
  EXPECT_GE(first.at("successes").get<std::int64_t>(), 1);
}

TEST(load_adjustor, abort_ends_the_load_context) {
  runtime rt(1);
  score s;
  error_collection errors;
  errors.add(error("timeout", ""));
  std::vector<std::string> contestant;
  logs log([&](std::string_view l) { contestant.emplace_back(l); }, logs::discard());
  context load = context().with_timeout(rt.executor(0), 60s);
  load_adjustor adjust({.abort_at_errors = 1}, {}, log);
  rt.run(adjust.run(load, 1ms, s, errors));
  EXPECT_EQ(load.reason(), stop_reason::canceled);
  ASSERT_EQ(contestant.size(), 1U);
  EXPECT_EQ(contestant[0], "load stopped early: 1 errors in all (the limit is 1)");
}

}  // namespace
}  // namespace candar
