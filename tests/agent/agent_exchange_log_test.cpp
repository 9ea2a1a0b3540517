// The exchange log (--har): what an agent keeps of a flow is what went over the wire, judged by what a real local
// server received and sent, and it stays bounded however the flow runs or whatever the server sends.
#include "candar/agent/agent.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "candar/check/response_check.hpp"
#include "support/http_server.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;
using test::with_agent;

std::string header_of(recorded_exchange const& e, std::string_view name, bool response) {
  for (auto const& [n, v] : response ? e.response_headers : e.request_headers) {
    if (n == name) return v;
  }
  return "(none)";
}

TEST(agent_exchange_log, an_agent_not_asked_keeps_nothing) {
  http_server s([](seen_request const&) { return reply{.body = "x"}; });
  with_agent({.base_url = s.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_TRUE(res && !res->trace.exchanges);
  });
}

TEST(agent_exchange_log, a_flow_holds_each_request_and_response_as_they_went_redirects_included) {
  std::mutex m;
  std::vector<std::string> bodies_seen;
  http_server s([&](seen_request const& r) {
    {
      std::lock_guard lock(m);
      bodies_seen.push_back(r.body);
    }
    if (r.target == "/login")
      return reply{.status = 303, .headers = {{"Location", "/home?tab=1&x"}, {"Set-Cookie", "s=1"}}};
    return reply{.headers = {{"Content-Type", "text/plain; charset=utf-8"}}, .body = "ようこそ"};
  });
  std::shared_ptr<exchange_history const> history;
  with_agent(
      {.base_url = s.url(), .max_redirects = 2, .record_exchanges = true}, [&](agent& a) -> asio::awaitable<void> {
        auto res = co_await a.post("/login").body("user=alice&pw=secret", "application/x-www-form-urlencoded").send();
        EXPECT_TRUE(res && res->status == 200);
        if (res) history = res->trace.exchanges;
      });
  ASSERT_TRUE(history);
  auto const flow = history->in_order();
  ASSERT_EQ(flow.size(), 2U);
  auto const& login = *flow[0];
  EXPECT_EQ(login.method, "POST");
  EXPECT_EQ(login.url, s.url() + "/login");
  EXPECT_EQ(login.status, 303);
  EXPECT_EQ(login.request_body, "user=alice&pw=secret");
  EXPECT_EQ(login.request_body_size, 20U);
  EXPECT_EQ(header_of(login, "Content-Type", false), "application/x-www-form-urlencoded");
  EXPECT_EQ(header_of(login, "Location", true), "/home?tab=1&x");
  EXPECT_FALSE(login.connection.empty());
  EXPECT_EQ(login.http_version, "HTTP/1.1");
  EXPECT_EQ(login.started.size(), 24U) << login.started;  // 2026-12-06T21:27:12.722Z
  auto const& home = *flow[1];
  EXPECT_EQ(home.method, "GET");  // 303: a GET, as sent
  EXPECT_EQ(home.url, s.url() + "/home?tab=1&x");
  EXPECT_EQ(header_of(home, "Cookie", false), "s=1");  // what went out, cookie included
  EXPECT_EQ(home.response_body, "ようこそ");
  EXPECT_EQ(home.connection, login.connection);  // kept alive: the same connection
  EXPECT_GE(home.wait_ms, 0.0);
  EXPECT_EQ(bodies_seen, (std::vector<std::string>{"user=alice&pw=secret", ""}));
}

TEST(agent_exchange_log, a_failed_check_and_a_refused_connection_carry_their_flow) {
  http_server s([](seen_request const& r) {
    if (r.target == "/bad") return reply{.status = 500, .body = "boom"};
    return reply{.body = "ok"};
  });
  std::optional<error> failed_check, refused;
  with_agent({.base_url = s.url(), .record_exchanges = true}, [&](agent& a) -> asio::awaitable<void> {
    (void)co_await a.get("/first").send();
    auto bad = co_await a.get("/bad").send();
    if (bad) failed_check = check(*bad, "GET /bad", expect::status(200));
    auto gone = co_await a.get("http://127.0.0.1:9/nothing-listens").send();
    if (!gone) refused = gone.error();
  });
  ASSERT_TRUE(failed_check && refused);
  auto const flow = failed_check->trace_context().exchanges->in_order();
  ASSERT_EQ(flow.size(), 2U);
  EXPECT_EQ(flow.back()->status, 500);
  EXPECT_EQ(flow.back()->response_body, "boom");
  // The refused one: the request, no response, the agent's error.
  auto const after = refused->trace_context().exchanges->in_order();
  ASSERT_EQ(after.size(), 3U);
  EXPECT_EQ(after.back()->status, 0);
  EXPECT_EQ(after.back()->url, "http://127.0.0.1:9/nothing-listens");
  EXPECT_NE(after.back()->error.find("connection"), std::string::npos) << after.back()->error;
}

TEST(agent_exchange_log, bounded_a_long_flow_keeps_its_latest_and_a_body_its_first_16_KiB) {
  std::string const big(100 * 1024, 'b');
  http_server s([&](seen_request const& r) { return reply{.body = r.target == "/big" ? big : r.target}; });
  std::shared_ptr<exchange_history const> last;
  with_agent({.base_url = s.url(), .record_exchanges = true}, [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 100; ++i) (void)co_await a.get("/n" + std::to_string(i)).send();
    auto res = co_await a.get("/big").send();
    if (res) last = res->trace.exchanges;
  });
  ASSERT_TRUE(last);
  auto const flow = last->in_order();
  ASSERT_EQ(flow.size(), exchange_history::kept);
  EXPECT_EQ(flow.front()->url, s.url() + "/n85");  // the latest 16: /n85 ... /n99, /big
  EXPECT_EQ(flow.back()->response_body.size(), recorded_exchange::max_body_bytes);
  EXPECT_EQ(flow.back()->response_body_size, big.size());
}

TEST(agent_exchange_log, a_new_visit_starts_a_new_flow) {
  http_server s([](seen_request const&) { return reply{.body = "x"}; });
  std::shared_ptr<exchange_history const> second;
  with_agent({.base_url = s.url(), .record_exchanges = true}, [&](agent& a) -> asio::awaitable<void> {
    (void)co_await a.get("/a").send();
    a.new_trace();
    auto res = co_await a.get("/b").send();
    if (res) second = res->trace.exchanges;
  });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->in_order().size(), 1U);
}

}  // namespace
}  // namespace candar
