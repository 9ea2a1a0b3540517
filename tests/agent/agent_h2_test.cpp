// The agent over HTTP/2 (RFC 9113) against nginx from Debian: over TLS with ALPN, and in the clear with prior
// knowledge (h2c); a user's requests multiplexed on one connection; HTTP/1.1's cookies, redirects, cache,
// decoding and limits over h2 (nginx in front of a scripted server); a deadline per stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/context/parallel.hpp"
#include "candar/failure/codes.hpp"
#include "h2_fields.hpp"
#include "support/headless_chromium.hpp"
#include "support/http_server.hpp"
#include "support/nginx_server.hpp"
#include "support/outcome_text.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::http_server;
using test::inner_code;
using test::nginx_server;
using test::reply;
using test::seen_request;
using test::summary;
using test::with_agent;

std::string nv_text(nghttp2_nv const& nv) {
  return std::string(reinterpret_cast<char const*>(nv.name), nv.namelen) + ": " +
         std::string(reinterpret_cast<char const*>(nv.value), nv.valuelen);
}

TEST(h2_fields, a_request_becomes_pseudo_fields_and_lowercase_names_without_connection_fields) {
  auto const fields = detail::h2_fields_of(
      "POST /a?b=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: Candar\r\nConnection: close\r\nTE: gzip\r\n"
      "te: trailers\r\nContent-Length: 3\r\n\r\nabc",
      true);
  std::vector<std::string> got;
  for (auto const& nv : fields.nv) got.push_back(nv_text(nv));
  EXPECT_EQ(
      got, (std::vector<std::string>{":method: POST", ":scheme: https", ":authority: example.com:8080", ":path: /a?b=1",
                                     "user-agent: Candar", "te: trailers", "content-length: 3"}));
  EXPECT_EQ(fields.body, "abc");
}

// `n` GETs of the files 0.txt .. n-1.txt at once; how many came back 200 over `protocol` with their own body.
asio::awaitable<int> get_at_once(agent& a, int n, http_protocol protocol) {
  parallel p(co_await asio::this_coro::executor);
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    p.spawn([&a, &ok, i, protocol]() -> asio::awaitable<void> {
      auto res = co_await a.get("/" + std::to_string(i) + ".txt").timeout(30s).send();
      if (res && res->status == 200 && res->protocol == protocol && res->body == "file " + std::to_string(i)) {
        ++ok;
      } else {
        ADD_FAILURE() << "GET /" << i << ".txt: " << summary(res);
      }
    });
  }
  co_await p.wait();
  co_return ok;
}

void write_files(nginx_server const& nginx, int n) {
  for (int i = 0; i < n; ++i) nginx.write_file(std::to_string(i) + ".txt", "file " + std::to_string(i));
}

TEST(agent_h2, over_tls_alpn_chooses_h2_and_one_connection_carries_every_request) {
  nginx_server nginx("", {.tls = true, .http2 = true});
  write_files(nginx, 20);
  with_agent({.base_url = nginx.url(), .timeout = 10s, .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(co_await get_at_once(a, 20, http_protocol::h2), 20);
    EXPECT_EQ(a.connections_opened(), 1U);
    auto again = co_await a.get("/3.txt").send();
    EXPECT_TRUE(again && again->reused_connection && again->protocol == http_protocol::h2) << summary(again);
  });
  // The same page as HTTP/1.1 has it: six connections, as a browser opens.
  agent_options const http1{.base_url = nginx.url(), .timeout = 10s, .http2 = http2_use::never, .cache = false};
  with_agent(http1, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(co_await get_at_once(a, 20, http_protocol::http1_1), 20);
    EXPECT_EQ(a.connections_opened(), 6U);
  });
}

TEST(agent_h2, a_tls_server_without_h2_gets_http1_1_and_the_waiting_requests_open_their_own_connections) {
  nginx_server nginx("", {.tls = true});
  write_files(nginx, 15);
  with_agent({.base_url = nginx.url(), .timeout = 10s, .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(co_await get_at_once(a, 15, http_protocol::http1_1), 15);
    EXPECT_EQ(a.connections_opened(), 6U);
  });
}

TEST(agent_h2, h2c_with_prior_knowledge_when_asked) {
  nginx_server nginx("", {.http2 = true});
  write_files(nginx, 10);
  agent_options const h2c{.base_url = nginx.url(), .timeout = 10s, .http2 = http2_use::always, .cache = false};
  with_agent(h2c, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(co_await get_at_once(a, 10, http_protocol::h2), 10);
    EXPECT_EQ(a.connections_opened(), 1U);
    auto head = co_await a.head("/1.txt").send();
    EXPECT_TRUE(head && head->status == 200 && head->body.empty() && head->header("content-length") == "6")
        << summary(head);
  });
}

TEST(agent_h2, nginxs_goaway_after_its_request_limit_costs_no_request) {
  nginx_server nginx("keepalive_requests 7;", {.tls = true, .http2 = true});  // then GOAWAY, and the connection ends
  write_files(nginx, 10);
  with_agent({.base_url = nginx.url(), .timeout = 10s, .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    int ok = 0;
    for (int round = 0; round < 5; ++round) ok += co_await get_at_once(a, 10, http_protocol::h2);
    EXPECT_EQ(ok, 50);
    EXPECT_GE(a.connections_opened(), 50U / 7);
  });
}

TEST(agent_h2, the_servers_stream_limit_queues_requests_on_the_one_connection) {
  nginx_server nginx("http2_max_concurrent_streams 2;", {.tls = true, .http2 = true});
  write_files(nginx, 12);
  with_agent({.base_url = nginx.url(), .timeout = 10s, .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(co_await get_at_once(a, 12, http_protocol::h2), 12);
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent_h2, more_requests_at_once_than_the_queued_frame_cap_all_wait_for_a_stream) {
  nginx_server nginx("http2_max_concurrent_streams 16; keepalive_requests 100000;", {.tls = true, .http2 = true});
  write_files(nginx, 1100);  // each request's HEADERS waits in nghttp2's queue for a free stream
  with_agent({.base_url = nginx.url(), .timeout = 60s, .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(co_await get_at_once(a, 1100, http_protocol::h2), 1100);
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent_h2, gzip_is_decoded_and_a_body_over_the_limit_resets_only_its_stream) {
  nginx_server nginx("gzip on; gzip_min_length 1; gzip_types text/plain;", {.tls = true, .http2 = true});
  std::string text;
  for (int i = 0; i < 500; ++i) text += "chairs pile up ";
  nginx.write_file("big.txt", text);
  nginx.write_file("small.txt", "small");
  agent_options options{.base_url = nginx.url(), .timeout = 10s, .cache = false};
  options.limits.max_body_bytes = 100;
  with_agent(options, [&](agent& a) -> asio::awaitable<void> {
    auto small = co_await a.get("/small.txt").send();
    EXPECT_TRUE(small && small->body == "small" && small->protocol == http_protocol::h2) << summary(small);
    auto big = co_await a.get("/big.txt").header("Accept-Encoding", "identity").send();
    EXPECT_EQ(inner_code(big), codes::too_large) << summary(big);
    auto zipped = co_await a.get("/big.txt").send();  // 7,500 bytes gzipped to under 100
    EXPECT_TRUE(zipped && zipped->header("content-encoding") == "gzip" && zipped->body == text) << summary(zipped);
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent_h2, a_pages_resources_come_over_its_one_connection_all_at_once) {
  nginx_server nginx("", {.tls = true, .http2 = true});
  std::string page = "<html><head>";
  for (int i = 0; i < 20; ++i) page += "<link rel=stylesheet href=\"/" + std::to_string(i) + ".css\">";
  nginx.write_file("page.html", page + "</head><body>chairs</body></html>");
  for (int i = 0; i < 20; ++i) nginx.write_file(std::to_string(i) + ".css", "b" + std::to_string(i) + " {}");
  for (auto const use : {http2_use::over_tls, http2_use::never}) {
    with_agent({.base_url = nginx.url(), .timeout = 10s, .http2 = use}, [&](agent& a) -> asio::awaitable<void> {
      auto home = co_await a.get("/page.html").send();
      EXPECT_TRUE(home && home->status == 200) << summary(home);
      if (!home) co_return;
      auto const loaded = co_await a.load_resources(*home);
      EXPECT_EQ(loaded.items.size(), 20U);
      EXPECT_TRUE(loaded.all_ok());
      bool const h2 = use == http2_use::over_tls;
      for (auto const& item : loaded.items) {
        EXPECT_EQ(item.result->protocol, h2 ? http_protocol::h2 : http_protocol::http1_1) << item.url;
      }
      EXPECT_EQ(a.connections_opened(), h2 ? 1U : 6U);
    });
  }
}

// The request lines of an nginx "combined" log ("GET /0.css HTTP/2.0"), sorted; a favicon, which a browser asks
// for beside the page, left out.
std::vector<std::string> request_lines(std::string const& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    auto const from = line.find('"');
    auto const to = line.find('"', from + 1);
    if (from == std::string::npos || to == std::string::npos) continue;
    auto request = line.substr(from + 1, to - from - 1);
    if (request.find("/favicon.ico") == std::string::npos) lines.push_back(std::move(request));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(agent_h2, a_page_is_requested_as_chromium_requests_it_over_h2) {
  nginx_server nginx("", {.tls = true, .http2 = true, .log_requests = true});
  std::string page = "<html><head>";
  for (int i = 0; i < 20; ++i) page += "<link rel=stylesheet href=\"/" + std::to_string(i) + ".css\">";
  nginx.write_file("page.html", page + "</head><body><img src=\"/chair.png\"></body></html>");
  for (int i = 0; i < 20; ++i) nginx.write_file(std::to_string(i) + ".css", "b" + std::to_string(i) + " {}");
  nginx.write_file("chair.png", "png");
  auto const rendered = test::render_url_in_chromium(nginx.url() + "/page.html");
  ASSERT_TRUE(rendered.ran) << rendered.failure;
  auto const by_chromium = request_lines(nginx.take_access_log());
  with_agent({.base_url = nginx.url(), .timeout = 10s}, [&](agent& a) -> asio::awaitable<void> {
    auto home = co_await a.get("/page.html").send();
    if (home) EXPECT_TRUE((co_await a.load_resources(*home)).all_ok());
    EXPECT_EQ(a.connections_opened(), 1U);
  });
  auto const by_agent = request_lines(nginx.take_access_log());
  EXPECT_EQ(by_agent, by_chromium);
  EXPECT_EQ(by_chromium.size(), 22U);
  for (auto const& line : by_chromium) EXPECT_TRUE(line.ends_with(" HTTP/2.0")) << line;
}

// nginx speaks h2 to the agent and HTTP/1.1 to the scripted server behind it.
std::string proxy_to(http_server const& server) {
  return "location / { proxy_pass " + server.url() + "; proxy_read_timeout 60s; }";
}

TEST(agent_h2, cookies_redirects_bodies_and_the_cache_work_as_over_http1_1) {
  std::atomic<int> posts{0};
  std::string posted;
  http_server server([&](seen_request const& r) {
    if (r.target == "/login")
      return reply{.status = 302, .headers = {{"Location", "/home"}, {"Set-Cookie", "sid=abc; Path=/"}}};
    if (r.target == "/home")
      return reply{.headers = {{"Cache-Control", "max-age=60"}}, .body = "hello " + r.header("Cookie")};
    if (r.method == "POST") {
      posted = r.header("Content-Type") + " " + r.body;
      ++posts;
      return reply{.status = 201, .body = "made"};
    }
    return reply{.status = 404};
  });
  nginx_server nginx(proxy_to(server), {.tls = true, .http2 = true});
  with_agent({.base_url = nginx.url(), .timeout = 10s, .max_redirects = 3}, [&](agent& a) -> asio::awaitable<void> {
    auto home = co_await a.get("/login").send();
    EXPECT_TRUE(home && home->status == 200 && home->body == "hello sid=abc" && home->protocol == http_protocol::h2)
        << summary(home);
    auto cached = co_await a.get("/home").send();
    EXPECT_TRUE(cached && cached->cache == cache_use::hit && cached->protocol == http_protocol::h2) << summary(cached);
    std::string const big(100000, 'x');  // larger than a stream's first window of 65,535 bytes at nginx
    auto made = co_await a.post("/items").body(big, "text/plain").send();
    EXPECT_TRUE(made && made->status == 201 && made->body == "made") << summary(made);
  });
  EXPECT_EQ(posts.load(), 1);
  EXPECT_EQ(posted, "text/plain " + std::string(100000, 'x'));
}

TEST(agent_h2, a_stream_past_its_deadline_is_reset_and_the_connection_carries_the_next_request) {
  http_server server(
      [](seen_request const& r) { return r.target == "/slow" ? reply{.never_answer = true} : reply{.body = "quick"}; });
  nginx_server nginx(proxy_to(server), {.tls = true, .http2 = true});
  with_agent({.base_url = nginx.url(), .timeout = 10s, .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    auto first = co_await a.get("/quick").send();  // the connection is open: the deadline below is the stream's alone
    EXPECT_TRUE(first && first->protocol == http_protocol::h2) << summary(first);
    auto slow = co_await a.get("/slow").timeout(200ms).send();
    EXPECT_EQ(inner_code(slow), codes::timeout) << summary(slow);
    auto quick = co_await a.get("/quick").send();
    EXPECT_TRUE(quick && quick->body == "quick" && quick->reused_connection) << summary(quick);
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent_h2, a_header_list_over_the_limit_is_too_large) {
  http_server server([](seen_request const&) {
    reply r;
    for (int i = 0; i < 150; ++i) r.headers.emplace_back("X-Field-" + std::to_string(i), "v");
    return r;
  });
  nginx_server nginx(proxy_to(server), {.tls = true, .http2 = true});
  with_agent({.base_url = nginx.url(), .timeout = 10s}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::too_large) << summary(res);
  });
}

}  // namespace
}  // namespace candar
