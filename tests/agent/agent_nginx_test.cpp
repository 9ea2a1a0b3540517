// The agent against nginx from Debian: real ETag / Last-Modified, gzip and keep-alive behaviour.
#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/runtime/runtime.hpp"
#include "support/nginx_server.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;

using test::with_agent;

TEST(agent_with_nginx, an_old_file_is_fresh_by_heuristic_and_a_new_one_revalidates_with_304) {
  test::nginx_server nginx("");
  nginx.write_file("old.css", "body { color: red }", 10 * 24 * 3600);  // modified 10 days ago: fresh for a day
  nginx.write_file("new.js", "console.log(1)");                        // just modified: stale at once
  with_agent({.base_url = nginx.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto first = co_await a.get("/old.css").send();
    EXPECT_TRUE(first && first->status == 200 && first->header("ETag").has_value() && first->header("Last-Modified"));
    auto second = co_await a.get("/old.css").send();
    EXPECT_TRUE(second && second->cache == cache_use::hit && second->body == "body { color: red }");
    auto js = co_await a.get("/new.js").send();
    EXPECT_TRUE(js && js->cache == cache_use::network);
    auto again = co_await a.get("/new.js").send();
    EXPECT_TRUE(again && again->cache == cache_use::revalidated && again->status == 200 &&
                again->body == "console.log(1)");
  });
}

TEST(agent_with_nginx, expires_and_cache_control_from_nginx) {
  test::nginx_server nginx(
      "location /static/ { expires 1h; }\nlocation /nostore/ { add_header Cache-Control no-store; }");
  nginx.write_file("static/a.png", "png");
  nginx.write_file("nostore/b.txt", "b", 10 * 24 * 3600);
  with_agent({.base_url = nginx.url()}, [&](agent& a) -> asio::awaitable<void> {
    co_await a.get("/static/a.png").send();
    auto hit = co_await a.get("/static/a.png").send();
    EXPECT_TRUE(hit && hit->cache == cache_use::hit);
    co_await a.get("/nostore/b.txt").send();
    auto miss = co_await a.get("/nostore/b.txt").send();
    EXPECT_TRUE(miss && miss->cache == cache_use::network);
  });
}

TEST(agent_with_nginx, gzip_from_nginx_is_decoded) {
  test::nginx_server nginx("gzip on; gzip_min_length 1; gzip_types text/plain;");
  std::string text;
  for (int i = 0; i < 500; ++i) text += "chairs pile up ";
  nginx.write_file("big.txt", text);
  with_agent({.base_url = nginx.url(), .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/big.txt").send();
    EXPECT_TRUE(res && res->header("Content-Encoding") == "gzip");
    EXPECT_TRUE(res && res->body == text);
  });
}

TEST(agent_with_nginx, keep_alive_and_nginxs_request_limit_per_connection) {
  test::nginx_server nginx("keepalive_requests 5;");
  nginx.write_file("index.html", "hi");
  with_agent({.base_url = nginx.url(), .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    int ok = 0;
    for (int i = 0; i < 20; ++i) ok += (co_await a.get("/").send()).has_value() ? 1 : 0;
    EXPECT_EQ(ok, 20);
    EXPECT_EQ(a.connections_opened(), 4U);  // nginx says "Connection: close" on every fifth response
  });
}

TEST(agent_with_nginx, cookies_round_trip) {
  test::nginx_server nginx(R"(location = /login { add_header Set-Cookie "sid=n1; Path=/"; return 200 "in"; }
location = /echo { return 200 "$http_cookie"; })");
  with_agent({.base_url = nginx.url()}, [&](agent& a) -> asio::awaitable<void> {
    co_await a.get("/login").send();
    auto echo = co_await a.get("/echo").send();
    EXPECT_TRUE(echo && echo->body == "sid=n1");
  });
}

}  // namespace
}  // namespace candar
