// Phase-window semantics against a real server: requests cut off by the end of Load are not the webapp's
// fault, so the errors a scenario reports for them (as a contest's flows do) are no deductions.
#include "candar/benchmark/benchmark.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "candar/agent/agent.hpp"
#include "candar/worker/worker.hpp"
#include "support/http_server.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::http_server;
using test::reply;
using test::seen_request;

TEST(phase_window, requests_in_flight_when_load_ends_are_no_deductions) {
  std::atomic<int> received{0};
  std::atomic<int> slow{0};
  context run_ctx;  // ended when all 8 lanes wait on /slow, as a phase's end would end it
  http_server server([&](seen_request const& r) {
    received.fetch_add(1);
    if (r.target == "/slow") {
      if (slow.fetch_add(1) == 7) run_ctx.cancel();
      return reply{.never_answer = true};  // no answer inside the window
    }
    return reply{.body = "ok"};
  });
  std::string const url = server.url();
  runtime rt(2);
  benchmark b({.load_timeout = 60s});
  b.result().score().set_weight("fast", 1).set_deduction("canceled", 5);
  b.add({.name = "lanes", .load = [&](step& s) -> asio::awaitable<void> {
           worker w(s.runtime(),
                    [&](context const&, std::int64_t) -> asio::awaitable<void> {
                      agent a({.base_url = url, .timeout = 30s});
                      auto fast = co_await a.get("/fast").send();
                      if (fast) s.add_score("fast");
                      auto res = co_await a.get("/slow").send();
                      if (!res) s.add_error(std::move(res.error()).wrap("slow"));  // as a contest's flow does
                    },
                    {.parallelism = 8});
           co_await w.process(s);
         }});
  auto const& r = b.run(rt, run_ctx);
  EXPECT_EQ(r.errors().count(), 0);
  EXPECT_EQ(r.score().deduction(r.errors()), 0);
  EXPECT_EQ(r.score().count("fast"), 8);
  // Each of the 8 lanes was cut off in its /slow request: counted apart, by code.
  EXPECT_EQ(r.errors_after_window().count(), 8);
  EXPECT_EQ(r.errors_after_window().count("canceled"), 8);
  EXPECT_EQ(received.load(), 16);
}

TEST(phase_window, an_error_inside_the_window_still_counts) {
  runtime rt(1);
  benchmark b({.load_timeout = 30s});
  b.add({.name = "x", .load = [](step& s) -> asio::awaitable<void> {
           s.add_error(error("status", "GET /: expected 200, got 500"));
           co_return;
         }});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.errors().count("status"), 1);
  EXPECT_EQ(r.errors_after_window().count(), 0);
}

}  // namespace
}  // namespace candar
