#include "candar/users/user_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "candar/benchmark/benchmark.hpp"
#include "candar/worker/worker.hpp"
#include "support/http_server.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;

struct visitor {
  std::string name;
  int flows = 0;
};

// Returning users: each keeps their agent, so their cookie comes back and their cached stylesheet is
// revalidated (304) instead of fetched again.
TEST(user_pool, a_returning_user_keeps_cookies_and_revalidates_the_cache) {
  std::mutex m;
  int full = 0, conditional = 0;
  std::vector<std::string> cookie_mismatches;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    auto const who = r.target.substr(r.target.find('=') + 1);
    if (r.target.starts_with("/hello")) {
      if (r.header("Cookie").empty()) return reply{.headers = {{"Set-Cookie", "u=" + who}}, .body = "hi"};
      if (r.header("Cookie") != "u=" + who) cookie_mismatches.push_back(who + " sent " + r.header("Cookie"));
      return reply{.body = "again"};
    }
    if (r.header("If-None-Match") == "\"css1\"") {
      ++conditional;
      return reply{.status = 304, .headers = {{"ETag", "\"css1\""}}};
    }
    ++full;
    return reply{.headers = {{"ETag", "\"css1\""}, {"Cache-Control", "no-cache"}}, .body = "body{}"};
  });
  std::string const url = server.url();
  runtime rt(2);
  user_pool<visitor> users({.base_url = url, .timeout = std::chrono::seconds(30)});
  for (auto const* n : {"alice", "bob", "carol", "dave"}) users.add({n});
  std::atomic<int> flows{0}, revalidated{0}, idle{0};
  benchmark b({.load_timeout = std::chrono::seconds(60)});
  b.add({.name = "visits", .load = [&](step& s) -> asio::awaitable<void> {
           worker w(s.runtime(),
                    [&](context const&, std::int64_t) -> asio::awaitable<void> {
                      auto u = users.take();
                      if (!u) {
                        ++idle;
                        co_return;
                      }
                      ++u->user.flows;
                      auto const hello = "/hello?u=" + u->user.name;
                      co_await u->agent.get(hello).send();
                      auto css = co_await u->agent.get("/app.css").send();
                      if (css && css->cache == cache_use::revalidated && css->body == "body{}") ++revalidated;
                      ++flows;
                    },
                    {.count = 40, .parallelism = 4});
           co_await w.process(s);
         }});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.errors().count(), 0);
  EXPECT_TRUE(cookie_mismatches.empty()) << cookie_mismatches.front();
  EXPECT_EQ(flows.load() + idle.load(), 40);
  EXPECT_GT(flows.load(), 4);
  auto const everyone = users.snapshot();
  ASSERT_EQ(everyone.size(), 4U);
  int visited = 0, total_flows = 0;
  for (auto const& v : everyone) {
    visited += v.flows > 0 ? 1 : 0;
    total_flows += v.flows;
  }
  EXPECT_EQ(total_flows, flows.load());  // each flow's change to its user was kept
  std::lock_guard lock(m);
  EXPECT_EQ(full, visited);  // one full download per user who came
  EXPECT_EQ(conditional, flows.load() - visited);
  EXPECT_EQ(revalidated.load(), conditional);
}

TEST(user_pool, one_flow_per_user_at_a_time_and_retired_users_leave) {
  runtime rt(1);
  user_pool<visitor> users;
  users.add({"a"});
  users.add({"b"});
  rt.run([&]() -> asio::awaitable<void> {
    auto first = users.take();
    auto second = users.take();
    EXPECT_TRUE(first && second);
    EXPECT_FALSE(users.take());  // both busy
    EXPECT_EQ(users.busy(), 2U);
    if (!first || !second) co_return;
    EXPECT_NE(first->user.name, second->user.name);
    second.retire();
    first.give_back();
    second.give_back();
    EXPECT_EQ(users.retired(), 1U);
    EXPECT_EQ(users.available(), 1U);
    auto again = users.take();
    EXPECT_TRUE(again && again->user.name == "a");
    EXPECT_FALSE(users.take());  // b is gone for good
    co_return;
  }());
  EXPECT_EQ(users.size(), 2U);
  EXPECT_THROW((void)users.take(), std::logic_error);  // off a loop
}

// A user between visits holds no connection (a pool of thousands of returning users would otherwise hold
// thousands of idle keep-alive connections), but keeps their cookies: the next visit opens a new connection.
TEST(user_pool, a_user_given_back_holds_no_idle_connection_but_keeps_cookies) {
  http_server server([](seen_request const& r) {
    if (r.header("Cookie").empty()) return reply{.headers = {{"Set-Cookie", "u=1"}}, .body = "hi"};
    return reply{.body = "again"};
  });
  runtime rt(1);
  user_pool<visitor> users({.base_url = server.url()});
  users.add({"alice"});
  std::size_t idle_while_busy = 0, idle_after = 99, opened = 0;
  std::string second_body;
  rt.run([&]() -> asio::awaitable<void> {
    {
      auto u = users.take();
      auto const res = co_await u->agent.get("/").send();
      EXPECT_TRUE(res.has_value());
      idle_while_busy = u->agent.connections_idle();
    }  // given back
    auto u = users.take();
    idle_after = u->agent.connections_idle();
    auto const res = co_await u->agent.get("/").send();
    if (res) second_body = res->body;
    opened = u->agent.connections_opened();
  }());
  EXPECT_EQ(idle_while_busy, 1U);
  EXPECT_EQ(idle_after, 0U);
  EXPECT_EQ(second_body, "again");  // the cookie came back
  EXPECT_EQ(opened, 2U);            // a new connection for the second visit
  EXPECT_EQ(server.connections_accepted(), 2U);
}

}  // namespace
}  // namespace candar
