#include "candar/agent/name_resolution.hpp"

// Host names through a DNS server of the test's own (tests/support/dns_server): answers kept for their TTL and
// shared by the agents of a loop, a silent server bounded by the request's deadline, fixed answers and a
// scenario's own resolver.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/context/parallel.hpp"
#include "candar/failure/codes.hpp"
#include "candar/runtime/runtime.hpp"
#include "support/dns_server.hpp"
#include "support/http_server.hpp"
#include "support/outcome_text.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::dns_server;
using test::http_server;
using test::reply;
using test::seen_request;
using test::with_agent;

using test::inner_code;
using test::summary;

// An agent that opens a connection per request, so that every request needs the name again.
agent_options one_connection_per_request(std::string url, std::string dns) {
  agent_options o{.base_url = std::move(url), .timeout = 5s};
  o.names.servers = {std::move(dns)};
  o.keep_alive = false;
  return o;
}

TEST(name_resolution, a_name_is_asked_of_the_given_server_once_while_its_ttl_lasts) {
  http_server app([](seen_request const& r) { return reply{.body = r.header("Host")}; });
  dns_server dns({{"isuchair.test", {"127.0.0.1", 60}}});
  auto const url = "http://isuchair.test:" + std::to_string(app.port());
  with_agent(one_connection_per_request(url, dns.address()), [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto res = co_await a.get("/").send();
      EXPECT_TRUE(res && res->body == "isuchair.test:" + std::to_string(app.port())) << summary(res);
    }
  });
  EXPECT_EQ(app.connections_accepted(), 3U);
  EXPECT_EQ(dns.a_queries(), 1U);
}

TEST(name_resolution, a_ttl_of_zero_is_asked_again_for_every_connection) {
  http_server app([](seen_request const&) { return reply{}; });
  dns_server dns({{"isuchair.test", {"127.0.0.1", 0}}});
  with_agent(one_connection_per_request("http://isuchair.test:" + std::to_string(app.port()), dns.address()),
             [&](agent& a) -> asio::awaitable<void> {
               for (int i = 0; i < 3; ++i) EXPECT_TRUE((co_await a.get("/").send()).has_value());
             });
  EXPECT_EQ(dns.a_queries(), 3U);
}

TEST(name_resolution, agents_asking_for_one_name_at_once_share_one_query) {
  http_server app([](seen_request const&) { return reply{}; });
  dns_server dns({{"isuchair.test", {"127.0.0.1", 60}}});
  auto const options = one_connection_per_request("http://isuchair.test:" + std::to_string(app.port()), dns.address());
  runtime rt(1);
  int served = 0;
  rt.run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::unique_ptr<agent>> agents;
    for (int i = 0; i < 20; ++i) agents.push_back(std::make_unique<agent>(ex, options));
    parallel all(ex, 20);
    for (auto& a : agents) {
      all.spawn([&served, &a]() -> asio::awaitable<void> {
        if (co_await a->get("/").send()) ++served;
      });
    }
    co_await all.wait();
  }());
  EXPECT_EQ(served, 20);
  EXPECT_EQ(dns.a_queries(), 1U);
}

TEST(name_resolution, a_silent_dns_server_costs_a_request_its_timeout_and_no_more) {
  dns_server dns({}, dns_server::behaviour::silent);
  agent_options o{.base_url = "http://isuchair.test:80", .timeout = 200ms};
  o.names.servers = {dns.address()};
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
    if (!res)
      EXPECT_NE(res.error().message().find("isuchair.test was not resolved within the request's timeout"),
                std::string::npos)
          << summary(res);
  });
  EXPECT_GE(dns.queries(), 1U);
}

TEST(name_resolution, an_unknown_name_is_a_connection_error_naming_it) {
  dns_server dns({});
  agent_options o{.base_url = "http://nowhere.test:80", .timeout = 5s};
  o.names.servers = {dns.address()};
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::connection) << summary(res);
    if (!res) EXPECT_NE(res.error().message().find("cannot resolve nowhere.test"), std::string::npos) << summary(res);
  });
}

TEST(name_resolution, a_bad_server_list_is_an_error_not_a_crash) {
  agent_options o{.base_url = "http://isuchair.test:80", .timeout = 5s};
  o.names.servers = {"not an address"};
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::connection) << summary(res);
    if (!res) EXPECT_NE(res.error().message().find("bad DNS server list"), std::string::npos) << summary(res);
  });
}

TEST(name_resolution, fixed_answers_need_no_dns_and_match_the_host_whatever_its_case) {
  http_server app([](seen_request const& r) { return reply{.body = r.header("Host")}; });
  agent_options o{.base_url = "http://App.Test:" + std::to_string(app.port()), .timeout = 5s};
  o.names.hosts = {{"app.test", "127.0.0.1"}};
  o.names.servers = {"127.0.0.1:9"};  // nothing answers there: a lookup would time out
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    // The Host header carries the name as a browser writes it: lowercased.
    EXPECT_TRUE(res && res->body == "app.test:" + std::to_string(app.port())) << summary(res);
  });
}

TEST(name_resolution, a_scenarios_own_resolver_is_asked_and_bounded_by_the_deadline) {
  http_server app([](seen_request const&) { return reply{.body = "ok"}; });
  int asked = 0;
  agent_options o{.base_url = "http://svc.internal:" + std::to_string(app.port()), .timeout = 5s, .keep_alive = false};
  o.names.custom = [&asked](std::string host) -> asio::awaitable<expected<name_resolution::addresses>> {
    ++asked;
    if (host == "slow.internal") {  // answers after the request's deadline
      asio::steady_timer t(co_await asio::this_coro::executor, 30s);
      co_await t.async_wait(asio::use_awaitable);
    }
    co_return name_resolution::addresses{asio::ip::make_address("127.0.0.1")};
  };
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto res = co_await a.get("/").send();
      EXPECT_TRUE(res && res->body == "ok") << summary(res);
    }
    auto slow = co_await a.get("http://slow.internal:" + std::to_string(app.port()) + "/").timeout(100ms).send();
    EXPECT_EQ(inner_code(slow), codes::timeout) << summary(slow);
  });
  EXPECT_EQ(asked, 3);  // the hook is asked for every connection: caching is the hook's to choose
}

TEST(name_resolution, a_dialer_of_the_scenarios_own_opens_the_connection_from_its_own_address) {
  http_server app([](seen_request const&) { return reply{.body = "ok"}; });
  std::string source;
  agent_options o{.base_url = app.url(), .timeout = 5s};
  o.dial = [&source](
               asio::ip::tcp::socket& socket,
               std::vector<asio::ip::tcp::endpoint> const& addresses) -> asio::awaitable<boost::system::error_code> {
    boost::system::error_code ec;
    socket.open(asio::ip::tcp::v4(), ec);
    if (!ec)
      socket.bind({asio::ip::make_address("127.0.0.2"), 0}, ec);  // a second source address, as on a multi-IP host
    if (ec) co_return ec;
    auto [connect_ec] = co_await socket.async_connect(addresses.front(), asio::as_tuple(asio::use_awaitable));
    if (!connect_ec) source = socket.local_endpoint().address().to_string();
    co_return connect_ec;
  };
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_TRUE(res && res->body == "ok") << summary(res);
  });
  EXPECT_EQ(source, "127.0.0.2");
}

TEST(name_resolution, a_dialer_is_bounded_by_the_deadline_whatever_it_waits_on) {
  agent_options o{.base_url = "http://127.0.0.1:9", .timeout = 100ms};
  o.dial = [](asio::ip::tcp::socket&,
              std::vector<asio::ip::tcp::endpoint> const&) -> asio::awaitable<boost::system::error_code> {
    asio::steady_timer t(co_await asio::this_coro::executor, 30s);  // not the socket: closing it would not end this
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return boost::system::error_code();
  };
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
    if (!res)
      EXPECT_NE(res.error().message().find("did not open within the request's timeout"), std::string::npos)
          << summary(res);
  });
}

TEST(name_resolution, a_dialer_that_fails_is_a_connection_error) {
  agent_options o{.base_url = "http://127.0.0.1:9", .timeout = 5s};
  o.dial = [](asio::ip::tcp::socket&,
              std::vector<asio::ip::tcp::endpoint> const&) -> asio::awaitable<boost::system::error_code> {
    co_return make_error_code(asio::error::connection_refused);
  };
  with_agent(o, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::connection) << summary(res);
  });
}

}  // namespace
}  // namespace candar
