#include "candar/agent/agent.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

#include "candar/context/parallel.hpp"
#include "candar/context/spawn.hpp"
#include "candar/failure/codes.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/runtime/runtime.hpp"
#include "support/compress.hpp"
#include "support/http_server.hpp"
#include "support/outcome_text.hpp"
#include "support/with_agent.hpp"
#include "text.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::http_server;
using test::reply;
using test::seen_request;

using test::has_code;
using test::inner_code;
using test::summary;

using test::with_agent;

// A server that answers 200 to everything and keeps the requests it was sent.
struct recording_server {
  std::mutex m;
  std::vector<seen_request> seen;
  http_server server{[this](seen_request const& r) {
    std::lock_guard lock(m);
    seen.push_back(r);
    return reply{};
  }};
  std::vector<seen_request> requests() {
    std::lock_guard lock(m);
    return seen;
  }
};

TEST(agent, get_returns_status_headers_and_body) {
  http_server server([](seen_request const& r) {
    return reply{.status = 201, .headers = {{"X-Seen", r.target}}, .body = "hello"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/users/42?full=1").send();
    EXPECT_TRUE(res.has_value());
    if (!res) co_return;
    EXPECT_EQ(res->status, 201);
    EXPECT_EQ(res->body, "hello");
    EXPECT_EQ(res->header("x-seen"), "/users/42?full=1");
    EXPECT_EQ(res->url, server.url() + "/users/42?full=1");
    EXPECT_GT(res->time.total.count(), 0);
    EXPECT_LE(res->time.first_byte, res->time.total);
  });
}

TEST(agent, relative_targets_resolve_like_a_browser) {
  http_server server([](seen_request const& r) { return reply{.body = r.target}; });
  with_agent({.base_url = server.url() + "/app/page"}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ((co_await a.get("style.css").send())->body, "/app/style.css");
    EXPECT_EQ((co_await a.get("../img/a.png").send())->body, "/img/a.png");
    EXPECT_EQ((co_await a.get("/api?q=1").send())->body, "/api?q=1");
    EXPECT_EQ((co_await a.get(server.url() + "/abs").send())->body, "/abs");
  });
}

TEST(agent, sends_browser_like_default_headers_and_the_callers) {
  std::mutex m;
  seen_request last;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    last = r;
    return reply{};
  });
  with_agent({.base_url = server.url(),
              .user_agent = "Mozilla/5.0 test",
              .default_headers = {{"X-Contest", "isu"}, {"X-Round", "1"}}},
             [&](agent& a) -> asio::awaitable<void> {
               co_await a.get("/").header("X-Trace", "7").send();
               co_return;
             });
  std::lock_guard lock(m);
  EXPECT_EQ(last.header("User-Agent"), "Mozilla/5.0 test");
  EXPECT_NE(last.header("Accept").find("text/html"), std::string::npos);
  EXPECT_EQ(last.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(last.header("X-Contest"), "isu");
  EXPECT_EQ(last.header("X-Trace"), "7");
}

TEST(agent, a_repeated_request_follows_the_cookies_as_they_change) {
  // The same GET again and again is sent from the bytes built the first time, as long as nothing changed.
  std::mutex m;
  std::vector<std::string> cookies_seen;
  int n = 0;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    cookies_seen.push_back(r.header("Cookie"));
    ++n;
    if (n == 2) return reply{.headers = {{"Set-Cookie", "sid=one; Path=/"}}};
    if (n == 4) return reply{.headers = {{"Set-Cookie", "sid=two; Path=/"}}};
    return reply{};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 6; ++i) {
      if (i == 5) a.cookies().clear();
      EXPECT_TRUE((co_await a.get("/same").send()).has_value());
    }
  });
  std::lock_guard lock(m);
  EXPECT_EQ(cookies_seen, (std::vector<std::string>{"", "", "sid=one", "sid=one", "sid=two", ""}));
}

TEST(agent, a_requests_own_header_replaces_the_agents_but_not_the_length_it_computes) {
  recording_server recorder;
  with_agent({.base_url = recorder.server.url(), .keep_alive = false, .default_headers = {{"X-Round", "1"}}},
             [&](agent& a) -> asio::awaitable<void> {
               co_await a.post("/")
                   .header("Accept", "application/json")
                   .header("x-round", "2")
                   .header("Content-Length", "999")
                   .header("Connection", "keep-alive")
                   .json("{}")
                   .send();
               co_await a.get("/").send();
             });
  auto const seen = recorder.requests();
  ASSERT_EQ(seen.size(), 2U);
  auto const count = [](seen_request const& r, std::string_view name) {
    return std::count_if(r.headers.begin(), r.headers.end(),
                         [&](auto const& h) { return detail::ascii_iequal(h.first, name); });
  };
  EXPECT_EQ(seen[0].header("Accept"), "application/json");
  EXPECT_EQ(count(seen[0], "Accept"), 1);
  EXPECT_EQ(seen[0].header("X-Round"), "2");
  EXPECT_EQ(count(seen[0], "X-Round"), 1);
  EXPECT_EQ(seen[0].header("Content-Length"), "2");  // the body's length, not what the request claimed
  EXPECT_EQ(seen[0].header("Connection"), "close");  // keep-alive is off for this agent
  EXPECT_EQ(seen[0].body, "{}");
  EXPECT_NE(seen[1].header("Accept").find("text/html"), std::string::npos);  // the next request has the agent's again
  EXPECT_EQ(seen[1].header("X-Round"), "1");
}

TEST(agent, posts_json_and_form_bodies) {
  recording_server recorder;
  with_agent({.base_url = recorder.server.url()}, [&](agent& a) -> asio::awaitable<void> {
    co_await a.post("/api/login").json(R"({"id":1})").send();
    co_await a.post("/form").field("name", "a b&c").field("x", "\xC3\xA9").send();
    co_await a.put("/empty").send();
  });
  auto const seen = recorder.requests();
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].header("Content-Type"), "application/json");
  EXPECT_EQ(seen[0].body, R"({"id":1})");
  EXPECT_EQ(seen[1].header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[1].body, "name=a+b%26c&x=%C3%A9");
  EXPECT_EQ(seen[2].header("Content-Length"), "0");
}

TEST(agent, sends_a_json_value_serialized_and_a_string_as_written) {
  recording_server recorder;
  with_agent({.base_url = recorder.server.url()}, [&](agent& a) -> asio::awaitable<void> {
    nlohmann::json const body = {{"user_id", 7}, {"name", "caf\u00e9 \"x\""}};
    co_await a.post("/value").json(body).send();
    std::string const text = R"({"as":"written"})";  // a std::string is text, not a JSON string value
    co_await a.post("/text").json(text).send();
  });
  auto const seen = recorder.requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].header("Content-Type"), "application/json");
  EXPECT_EQ(seen[0].body, "{\"name\":\"caf\u00e9 \\\"x\\\"\",\"user_id\":7}");
  EXPECT_EQ(seen[1].body, R"({"as":"written"})");
}

// RFC 9111 4.4 (a MUST, and what every browser does): a successful POST, PUT or DELETE makes the cached copy
// of its target unusable, and of its Location / Content-Location on the same origin. A failed one does not.
TEST(agent, a_successful_unsafe_request_invalidates_what_the_cache_holds_for_it) {
  std::mutex m;
  std::map<std::string, int> version;  // per path: bumped by each successful write
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    auto const path = r.target.substr(0, r.target.find('?'));
    if (r.method == "GET") {
      return reply{.headers = {{"Cache-Control", "max-age=3600"}}, .body = path + " v" + std::to_string(version[path])};
    }
    if (path == "/refused") return reply{.status = 403};
    if (path == "/r") ++version["/r"];
    if (path == "/new") {
      ++version["/list"];
      ++version["/item"];
      return reply{.status = 201, .headers = {{"Location", "/item"}, {"Content-Location", "/list"}}};
    }
    if (path == "/elsewhere") return reply{.status = 201, .headers = {{"Location", "http://other.example/r"}}};
    return reply{};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto body = [&](std::string const& t) -> asio::awaitable<std::string> {
      auto res = co_await a.get(t).send();
      co_return res ? res->body : std::string("error");
    };
    EXPECT_EQ(co_await body("/r"), "/r v0");
    EXPECT_EQ(co_await body("/r"), "/r v0");  // cached
    EXPECT_TRUE((co_await a.post("/r").json("{}").send()).has_value());
    EXPECT_EQ(co_await body("/r"), "/r v1");  // read after write: the write
    EXPECT_TRUE((co_await a.put("/r").send()).has_value());
    EXPECT_EQ(co_await body("/r"), "/r v2");  // after the PUT too, not the cached v1
    EXPECT_EQ(co_await body("/list"), "/list v0");
    EXPECT_EQ(co_await body("/item"), "/item v0");
    EXPECT_TRUE((co_await a.post("/new").send()).has_value());
    EXPECT_EQ(co_await body("/list"), "/list v1");  // Content-Location
    EXPECT_EQ(co_await body("/item"), "/item v1");  // Location
    EXPECT_EQ(co_await body("/refused"), "/refused v0");
    auto refused = co_await a.del("/refused").send();
    EXPECT_TRUE(refused && refused->status == 403);
    EXPECT_EQ(a.cache_hits(), 1U);
    EXPECT_EQ(co_await body("/refused"), "/refused v0");  // a 4xx invalidates nothing: served from the cache
    EXPECT_EQ(a.cache_hits(), 2U);
  });
}

// A listener whose accept queue is full drops further SYNs (Linux, backlog 0, nobody accepting): a connect
// then neither succeeds nor fails until a bound ends it. That failure says what it is, and which bound it was;
// without a connect timeout of its own the request's timeout is the bound.
// send() uses the builder up, so it takes only an rvalue: a builder cannot be sent twice by mistake, and a
// chain on a temporary still reads as one expression.
template <class R>
concept sendable = requires(R&& r) { std::forward<R>(r).send(); };
template <class R>
concept sendable_after_builders = requires(R&& r) {
  std::forward<R>(r).header("X-A", "1").label("l").json("{}").timeout(std::chrono::seconds(1)).send();
};
static_assert(!sendable<request&>);
static_assert(sendable<request&&>);
static_assert(!sendable_after_builders<request&>);
static_assert(sendable_after_builders<request>);

TEST(agent, two_agents_can_share_one_cookie_jar) {
  std::mutex m;
  std::vector<std::string> cookies_seen;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    cookies_seen.push_back(r.target + " " + r.header("Cookie"));
    if (r.target == "/login") return reply{.headers = {{"Set-Cookie", "session=s1; Path=/"}}};
    return reply{};
  });
  runtime rt(1);
  rt.run([&]() -> asio::awaitable<void> {
    agent shop({.base_url = server.url()});
    agent admin({.base_url = server.url()});
    agent stranger({.base_url = server.url()});
    admin.share_cookies_with(shop);
    co_await shop.post("/login").send();
    co_await admin.get("/admin").send();        // the shop's session cookie, from the shared jar
    co_await stranger.get("/stranger").send();  // a jar of its own: nothing
  }());
  std::lock_guard lock(m);
  EXPECT_EQ(cookies_seen, (std::vector<std::string>{"/login ", "/admin session=s1", "/stranger "}));
  runtime other(1);
  std::string thrown;
  other.run([&]() -> asio::awaitable<void> {
    agent here({.base_url = server.url()});
    agent there(rt.executor(0), {.base_url = server.url()});
    try {
      here.share_cookies_with(there);
    } catch (std::logic_error const& e) {
      thrown = e.what();
    }
    co_return;
  }());
  EXPECT_NE(thrown.find("different event loops"), std::string::npos);
}

TEST(agent, keep_alive_reuses_one_connection) {
  http_server server([](seen_request const&) { return reply{.body = "ok"}; });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) {
      auto res = co_await a.get("/").send();
      EXPECT_TRUE(res.has_value());
      EXPECT_TRUE(res && res->reused_connection == (i > 0));
    }
    EXPECT_EQ(a.connections_opened(), 1U);
    EXPECT_EQ(a.connections_idle(), 1U);
  });
  EXPECT_EQ(server.connections_accepted(), 1U);
}

TEST(agent, without_keep_alive_every_request_has_its_own_connection) {
  std::atomic<int> closes{0};
  http_server server([&](seen_request const& r) {
    if (r.header("Connection") == "close") closes.fetch_add(1);
    return reply{};
  });
  with_agent({.base_url = server.url(), .keep_alive = false}, [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) EXPECT_FALSE((co_await a.get("/").send())->reused_connection);
    EXPECT_EQ(a.connections_idle(), 0U);
  });
  EXPECT_EQ(server.connections_accepted(), 3U);
  EXPECT_EQ(closes.load(), 3);
}

TEST(agent, a_connection_the_server_closed_is_replaced_for_safe_methods_only) {
  // The server closes each connection after answering, while saying it would keep it.
  http_server server([](seen_request const&) {
    return reply{.headers = {{"Connection", "keep-alive"}}, .close_after = true};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_TRUE((co_await a.get("/").send()).has_value());
    auto again = co_await a.get("/").send();  // the pooled connection is dead: sent again on a new one
    EXPECT_TRUE(again.has_value());
    auto post = co_await a.post("/").json("{}").send();  // not idempotent: the failure is reported
    EXPECT_FALSE(post.has_value());
    EXPECT_TRUE(has_code(post, codes::connection)) << summary(post);
  });
}

TEST(agent, reads_chunked_and_close_delimited_bodies_and_skips_interim_responses) {
  http_server server([](seen_request const& r) {
    if (r.target == "/chunked") {
      return reply{
          .raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n",
          .keep_open = true};
    }
    if (r.target == "/continue") {
      return reply{.raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                   .keep_open = true};
    }
    return reply{.raw = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close", .close_after = true};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto chunked = co_await a.get("/chunked").send();
    EXPECT_TRUE(chunked && chunked->body == "hello world") << summary(chunked);
    auto interim = co_await a.get("/continue").send();
    EXPECT_TRUE(interim && interim->status == 201 && interim->body == "ok") << summary(interim);
    EXPECT_EQ(a.connections_opened(), 1U);  // both kept the connection
    auto to_close = co_await a.get("/to-close").send();
    EXPECT_TRUE(to_close && to_close->body == "until the close") << summary(to_close);
    EXPECT_EQ(a.connections_idle(), 0U);  // a body that ends with the connection ends the connection
  });
}

TEST(agent, bytes_after_the_response_are_not_taken_for_the_next_one) {
  http_server server([](seen_request const&) {
    return reply{.raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 X\r\n\r\n", .keep_open = true};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto first = co_await a.get("/").send();
    EXPECT_TRUE(first && first->body == "ok") << summary(first);
    auto second = co_await a.get("/").send();
    EXPECT_TRUE(second && second->status == 200) << summary(second);
    EXPECT_EQ(a.connections_opened(), 2U);  // the first connection was not trusted again
  });
}

TEST(agent, a_refused_connection_is_a_connection_error) {
  auto const port = test::closed_port();
  with_agent({.base_url = "http://127.0.0.1:" + std::to_string(port)}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_FALSE(res.has_value());
    EXPECT_TRUE(has_code(res, codes::connection)) << summary(res);
  });
}

TEST(agent, garbage_is_a_parse_error) {
  http_server server([](seen_request const&) { return reply{.raw = "HELLO THERE\r\n\r\n"}; });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_FALSE(res.has_value());
    EXPECT_EQ(inner_code(res), codes::http_parse);
  });
}

TEST(agent, a_body_or_header_over_the_limit_is_too_large) {
  http_server server([](seen_request const& r) {
    if (r.target == "/big-header") return reply{.headers = {{"X-Big", std::string(5000, 'h')}}};
    return reply{.body = std::string(5000, 'b')};
  });
  with_agent({.base_url = server.url(), .limits = {.max_header_bytes = 1000, .max_body_bytes = 1000}},
             [&](agent& a) -> asio::awaitable<void> {
               auto body = co_await a.get("/big-body").send();
               EXPECT_FALSE(body.has_value());
               EXPECT_EQ(inner_code(body), codes::too_large);
               auto header = co_await a.get("/big-header").send();
               EXPECT_FALSE(header.has_value());
               EXPECT_EQ(inner_code(header), codes::too_large);
             });
}

TEST(agent, too_many_headers_is_too_large) {
  http_server server([](seen_request const&) {
    reply r;
    for (int i = 0; i < 30; ++i) r.headers.emplace_back("X-H" + std::to_string(i), "v");
    return r;
  });
  with_agent({.base_url = server.url(), .limits = {.max_header_count = 20}}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_EQ(inner_code(co_await a.get("/").send()), codes::too_large);
  });
  with_agent({.base_url = server.url()},
             [&](agent& a) -> asio::awaitable<void> { EXPECT_TRUE((co_await a.get("/").send()).has_value()); });
}

TEST(agent, at_most_six_connections_per_origin) {
  http_server server([](seen_request const&) { return reply{.delay = 20ms}; });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    parallel p(co_await asio::this_coro::executor);
    std::atomic<int> ok{0};
    for (int i = 0; i < 15; ++i) {
      p.spawn([&]() -> asio::awaitable<void> {
        if ((co_await a.get("/").timeout(30s).send()).has_value()) ok.fetch_add(1);
      });
    }
    co_await p.wait();
    EXPECT_EQ(ok.load(), 15);
    EXPECT_EQ(a.connections_opened(), 6U);
  });
  EXPECT_EQ(server.connections_accepted(), 6U);
}

// A connection freed while the first waiter's deadline has already passed (its completion queued, not yet run):
// the wake-up goes to the next waiter, which must not wait out its own deadline with a connection idle.
TEST(agent, a_connection_freed_as_a_waiter_times_out_goes_to_the_next_waiter) {
  std::atomic<bool> seen_held{false};
  http_server server([&](seen_request const& r) {
    if (r.target == "/held") {
      seen_held = true;
      return reply{.body = "held", .delay = 50ms};
    }
    return reply{.body = "ok"};
  });
  agent_options options;
  options.base_url = server.url();
  options.timeout = 5s;
  options.max_connections_per_origin = 1;
  with_agent(options, [&](agent& a) -> asio::awaitable<void> {
    auto const ex = co_await asio::this_coro::executor;
    parallel p(ex);
    std::optional<outcome> held, impatient, patient;
    p.spawn([&]() -> asio::awaitable<void> { held = co_await a.get("/held").send(); });
    p.spawn([&]() -> asio::awaitable<void> { impatient = co_await a.get("/").timeout(100ms).send(); });
    p.spawn([&]() -> asio::awaitable<void> { patient = co_await a.get("/").timeout(2s).send(); });
    asio::steady_timer tick(ex);
    while (!seen_held) {
      tick.expires_after(1ms);
      co_await tick.async_wait(asio::use_awaitable);
    }
    // The loop stalls: meanwhile /held's answer arrives and the impatient waiter's deadline passes, so both are
    // ready in the same turn, the read first.
    std::this_thread::sleep_for(300ms);
    co_await p.wait();
    EXPECT_TRUE(held && held->has_value()) << (held ? summary(*held) : "");
    EXPECT_TRUE(impatient && !impatient->has_value() && inner_code(*impatient) == codes::timeout)
        << (impatient ? summary(*impatient) : "");
    EXPECT_TRUE(patient && patient->has_value() && (*patient)->body == "ok") << (patient ? summary(*patient) : "");
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent, head_reads_no_body) {
  http_server server([](seen_request const&) { return reply{.body = "0123456789"}; });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.head("/").send();
    EXPECT_TRUE(res.has_value());
    if (res) {
      EXPECT_EQ(res->body, "");
      EXPECT_EQ(res->header("Content-Length"), "10");
    }
    EXPECT_TRUE((co_await a.get("/").send()).has_value());  // the connection is still in a good state
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent, ending_the_context_cancels_a_request_in_flight) {
  http_server server([](seen_request const&) { return reply{.never_answer = true}; });
  runtime rt(2);
  context ctx;
  std::promise<std::exception_ptr> finished;
  std::promise<void> sent;
  spawn(
      rt.executor(1), ctx,
      [](std::string url, std::promise<void>& s) -> asio::awaitable<void> {
        // A named options object: g++ 12 miscompiles a braced aggregate temporary inside a coroutine.
        agent_options options;
        options.base_url = url;
        options.timeout = 1h;
        agent a(co_await asio::this_coro::executor, std::move(options));
        s.set_value();
        auto res = co_await a.get("/").send();
        EXPECT_FALSE(res.has_value());
        EXPECT_EQ(inner_code(res), codes::canceled);
      }(server.url(), sent),
      [&](std::exception_ptr e) { finished.set_value(e); });
  sent.get_future().wait();
  ctx.cancel();
  auto const e = finished.get_future().get();
  EXPECT_TRUE(e == nullptr || is_cancellation(e));
}

// Canceled while the TLS handshake waits for the server's answer: named canceled, as a canceled connect is,
// not a TLS failure of the server's.
TEST(agent, a_request_canceled_during_its_tls_handshake_is_canceled) {
  asio::io_context io;
  asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto const url = "https://127.0.0.1:" + std::to_string(listener.local_endpoint().port());
  runtime rt(2);
  context ctx;
  std::promise<std::exception_ptr> finished;
  spawn(
      rt.executor(1), ctx,
      [](std::string target) -> asio::awaitable<void> {
        agent_options options;  // named: g++ 12 and braced temporaries in coroutines
        options.base_url = target;
        options.timeout = 1h;
        agent a(co_await asio::this_coro::executor, std::move(options));
        auto res = co_await a.get("/").send();
        EXPECT_FALSE(res.has_value());
        EXPECT_EQ(inner_code(res), codes::canceled) << summary(res);
      }(url),
      [&](std::exception_ptr e) { finished.set_value(e); });
  asio::ip::tcp::socket peer(io);
  listener.accept(peer);
  char hello = 0;
  asio::read(peer, asio::buffer(&hello, 1));  // the ClientHello has begun: the handshake waits for an answer
  ctx.cancel();
  auto const e = finished.get_future().get();
  EXPECT_TRUE(e == nullptr || is_cancellation(e));
}

TEST(agent, a_bad_target_is_a_url_error) {
  with_agent({}, [&](agent& a) -> asio::awaitable<void> {
    auto relative = co_await a.get("/no-base").send();
    EXPECT_FALSE(relative.has_value());
    EXPECT_EQ(inner_code(relative), codes::url);
    auto ftp = co_await a.get("ftp://127.0.0.1/").send();
    EXPECT_FALSE(ftp.has_value());
    EXPECT_EQ(inner_code(ftp), codes::url);
  });
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

TEST(agent, asks_for_compression_and_decodes_what_comes_back) {
  std::string const text(10000, 'x');
  std::atomic<bool> asked{false};
  http_server server([&](seen_request const& r) {
    asked = r.header("Accept-Encoding") == "gzip, deflate, br";
    if (r.target == "/br") return reply{.headers = {{"Content-Encoding", "br"}}, .body = test::brotli(text)};
    if (r.target == "/bad") return reply{.headers = {{"Content-Encoding", "gzip"}}, .body = "not gzip"};
    return reply{.headers = {{"Content-Encoding", "gzip"}}, .body = test::deflate_as(test::coding::gzip, text)};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto gz = co_await a.get("/gz").send();
    EXPECT_TRUE(gz && gz->body == text);
    auto br = co_await a.get("/br").send();
    EXPECT_TRUE(br && br->body == text);
    auto bad = co_await a.get("/bad").send();
    EXPECT_EQ(inner_code(bad), codes::decompress);
    EXPECT_TRUE((co_await a.get("/gz").send()).has_value());  // the connection is still good
    EXPECT_EQ(a.connections_opened(), 1U);
  });
  EXPECT_TRUE(asked.load());
}

// Browsers pass a coding they do not know through (Chromium shows the bytes as they came); only a coding the
// agent knows and cannot decode is a decompress error.
TEST(agent, an_unknown_content_encoding_leaves_the_body_as_it_came) {
  http_server server([](seen_request const& r) {
    if (r.target == "/zstd") return reply{.headers = {{"Content-Encoding", "zstd"}}, .body = "\x28\xb5\x2f\xfd raw"};
    return reply{.headers = {{"Content-Encoding", "gzip, x-custom"}}, .body = "as sent"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto zstd = co_await a.get("/zstd").send();
    EXPECT_TRUE(zstd && zstd->body == "\x28\xb5\x2f\xfd raw");
    auto listed = co_await a.get("/list").send();  // one unknown member: nothing is decoded
    EXPECT_TRUE(listed && listed->body == "as sent");
  });
}

TEST(agent, the_decoded_size_is_capped) {
  std::string const zeros(4 * 1024 * 1024, '\0');
  http_server server([&](seen_request const&) {
    return reply{.headers = {{"Content-Encoding", "gzip"}}, .body = test::deflate_as(test::coding::gzip, zeros)};
  });
  with_agent(
      {.base_url = server.url(), .limits = {.max_decoded_bytes = 1024 * 1024}},
      [&](agent& a) -> asio::awaitable<void> { EXPECT_EQ(inner_code(co_await a.get("/").send()), codes::too_large); });
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

TEST(agent, keeps_cookies_like_a_browser) {
  std::mutex m;
  std::vector<std::string> sent;
  http_server server([&](seen_request const& r) {
    {
      std::lock_guard lock(m);
      sent.push_back(r.header("Cookie"));
    }
    if (r.target == "/login")
      return reply{.headers = {{"Set-Cookie", "sid=s1; Path=/; HttpOnly"}, {"Set-Cookie", "theme=dark"}}};
    if (r.target == "/logout") return reply{.headers = {{"Set-Cookie", "sid=; Max-Age=0; Path=/"}}};
    if (r.target == "/evil") return reply{.headers = {{"Set-Cookie", "x=1; Domain=example.com"}}};
    return reply{};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    co_await a.get("/").send();
    co_await a.post("/login").send();
    co_await a.get("/home").send();
    co_await a.get("/evil").send();
    co_await a.get("/logout").send();
    co_await a.get("/home").send();
    EXPECT_EQ(a.cookies().size(), 1U);
    a.cookies().clear();
    co_await a.get("/home").send();
  });
  std::lock_guard lock(m);
  ASSERT_EQ(sent.size(), 7U);
  EXPECT_EQ(sent[0], "");
  EXPECT_EQ(sent[1], "");
  EXPECT_EQ(sent[2], "sid=s1; theme=dark");
  EXPECT_EQ(sent[4], "sid=s1; theme=dark");  // the other site's cookie was not stored
  EXPECT_EQ(sent[5], "theme=dark");
  EXPECT_EQ(sent[6], "");
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

TEST(agent, serves_fresh_responses_from_its_cache_and_revalidates_stale_ones) {
  std::atomic<int> hits_on_server{0};
  std::mutex m;
  std::vector<std::string> conditionals;
  http_server server([&](seen_request const& r) {
    hits_on_server.fetch_add(1);
    if (r.target == "/fresh.css") return reply{.headers = {{"Cache-Control", "max-age=3600"}}, .body = "css"};
    {
      std::lock_guard lock(m);
      conditionals.push_back(r.header("If-None-Match"));
    }
    if (r.header("If-None-Match") == "\"v1\"") return reply{.status = 304, .headers = {{"ETag", "\"v1\""}}};
    return reply{.headers = {{"Cache-Control", "no-cache"}, {"ETag", "\"v1\""}}, .body = "app.js"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto first = co_await a.get("/fresh.css").send();
    EXPECT_TRUE(first && first->cache == cache_use::network);
    auto second = co_await a.get("/fresh.css").send();
    EXPECT_TRUE(second && second->cache == cache_use::hit && second->body == "css");
    EXPECT_EQ(a.cache_hits(), 1U);

    auto js = co_await a.get("/app.js").send();
    EXPECT_TRUE(js && js->cache == cache_use::network);
    auto again = co_await a.get("/app.js").send();
    EXPECT_TRUE(again && again->cache == cache_use::revalidated && again->status == 200 && again->body == "app.js");
    auto authorized = co_await a.get("/fresh.css").header("Authorization", "Bearer t").send();
    EXPECT_TRUE(authorized && authorized->cache == cache_use::network);
  });
  EXPECT_EQ(hits_on_server.load(), 4);
  std::lock_guard lock(m);
  ASSERT_EQ(conditionals.size(), 2U);
  EXPECT_EQ(conditionals[0], "");
  EXPECT_EQ(conditionals[1], "\"v1\"");
}

TEST(agent, with_the_cache_off_every_request_goes_out) {
  std::atomic<int> served{0};
  http_server server([&](seen_request const&) {
    served.fetch_add(1);
    return reply{.headers = {{"Cache-Control", "max-age=3600"}}};
  });
  with_agent({.base_url = server.url(), .cache = false}, [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) co_await a.get("/").send();
  });
  EXPECT_EQ(served.load(), 3);
}

TEST(agent, redirects_come_back_unless_asked_to_follow) {
  std::mutex m;
  std::vector<std::string> seen;
  http_server server([&](seen_request const& r) {
    {
      std::lock_guard lock(m);
      seen.push_back(r.method + " " + r.target + " " + r.body);
    }
    if (r.target == "/login") return reply{.status = 303, .headers = {{"Location", "/home"}}};
    if (r.target == "/loop") return reply{.status = 302, .headers = {{"Location", "/loop"}}};
    if (r.target == "/keep") return reply{.status = 307, .headers = {{"Location", "home"}}};
    return reply{.body = "home"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto not_followed = co_await a.post("/login").form({}).send();
    EXPECT_TRUE(not_followed && not_followed->status == 303);
  });
  with_agent({.base_url = server.url(), .max_redirects = 3}, [&](agent& a) -> asio::awaitable<void> {
    auto followed = co_await a.post("/login").json("{}").send();
    EXPECT_TRUE(followed && followed->status == 200 && followed->url == server.url() + "/home");
    auto kept = co_await a.post("/keep").json("{\"a\":1}").send();  // 307 keeps the method and body
    EXPECT_TRUE(kept && kept->status == 200);
    EXPECT_EQ(inner_code(co_await a.get("/loop").send()), codes::redirect);
  });
  std::lock_guard lock(m);
  ASSERT_GE(seen.size(), 6U);
  EXPECT_EQ(seen[1], "POST /login {}");
  EXPECT_EQ(seen[2], "GET /home ");
  EXPECT_EQ(seen[3], "POST /keep {\"a\":1}");
  EXPECT_EQ(seen[4], "POST /home {\"a\":1}");
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

TEST(agent, speaks_tls_to_a_self_signed_server_by_default) {
  http_server server([](seen_request const& r) { return reply{.body = "secret " + r.target}; },
                     http_server::transport::tls);
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/vault").send();
    EXPECT_TRUE(res.has_value()) << summary(res);
    EXPECT_TRUE(res && res->body == "secret /vault");
    auto again = co_await a.get("/vault").send();
    EXPECT_TRUE(again && again->reused_connection);
  });
  EXPECT_EQ(server.connections_accepted(), 1U);
}

TEST(agent, sends_sni_for_a_host_name_and_verifies_when_asked) {
  http_server server([](seen_request const&) { return reply{}; }, http_server::transport::tls);
  std::string const by_name = "https://localhost:" + std::to_string(server.port());
  with_agent({.base_url = by_name},
             [&](agent& a) -> asio::awaitable<void> { EXPECT_TRUE((co_await a.get("/").send()).has_value()); });
  EXPECT_EQ(server.last_sni(), "localhost");
  with_agent({.base_url = by_name, .tls_verify = true}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::tls) << summary(res);  // self-signed: not trusted
  });
}

TEST(agent, tls_to_a_plain_server_is_a_tls_error) {
  http_server server([](seen_request const&) { return reply{}; });
  with_agent({.base_url = "https://127.0.0.1:" + std::to_string(server.port())},
             [&](agent& a) -> asio::awaitable<void> {
               auto res = co_await a.get("/").send();
               EXPECT_FALSE(res.has_value());
               EXPECT_TRUE(has_code(res, codes::tls) || has_code(res, codes::connection)) << summary(res);
             });
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

TEST(agent, records_each_request_under_its_label) {
  http_server server([](seen_request const& r) {
    if (r.target == "/slow") return reply{.never_answer = true};
    return reply{.status = r.target.starts_with("/missing") ? 404 : 200, .body = "abc"};
  });
  endpoint_metrics metrics;
  with_agent({.base_url = server.url(), .metrics = &metrics}, [&](agent& a) -> asio::awaitable<void> {
    co_await a.get("/api/users/1").label("GET /api/users/:id").send();
    co_await a.get("/api/users/2").label("GET /api/users/:id").send();
    co_await a.get("/missing?x=1").send();
    co_await a.get("/slow").timeout(std::chrono::milliseconds(50)).label("GET /slow").send();
  });
  auto const snap = metrics.snapshot();
  ASSERT_EQ(snap.size(), 3U);
  EXPECT_EQ(snap.at("GET /api/users/:id").requests, 2U);
  EXPECT_EQ(snap.at("GET /api/users/:id").by_status.at(200), 2U);
  EXPECT_EQ(snap.at("GET /api/users/:id").bytes, 6U);
  EXPECT_EQ(snap.at("GET /missing").by_status.at(404), 1U);
  EXPECT_EQ(snap.at("GET /slow").errors_by_code.at("timeout"), 1U);
}

// 10,000 users' own paths make one row per endpoint (route templates); labels a scenario makes from ids
// anyway stop at the cap, the rest counted under one row.
TEST(agent, metrics_rows_stay_bounded_for_ten_thousand_distinct_ids) {
  http_server server([](seen_request const&) { return reply{.body = "ok"}; });
  endpoint_metrics metrics(50);
  with_agent({.base_url = server.url(), .metrics = &metrics}, [&](agent& a) -> asio::awaitable<void> {
    co_await a.get("/files/0123456789abcdef0123/raw").send();
    co_await a.get("/u/123e4567-e89b-12d3-a456-426614174000").send();
    for (int id = 0; id < 10'000; ++id) {
      auto const path = "/api/users/" + std::to_string(id) + "/home?v=" + std::to_string(id);
      co_await a.get(path).send();
      if (id < 200) co_await a.get("/x").label("GET /x/" + std::to_string(id)).send();
    }
  });
  auto const snap = metrics.snapshot();
  EXPECT_EQ(snap.at("GET /api/users/:id/home").requests, 10'000U);
  EXPECT_EQ(snap.at("GET /files/:id/raw").requests, 1U);
  EXPECT_EQ(snap.at("GET /u/:id").requests, 1U);
  EXPECT_EQ(snap.size(), 51U);  // the cap, and the row of the labels past it
  // Admitted: the three templated rows and 47 of the 200 labels; the other 153 share a row.
  EXPECT_EQ(snap.at(std::string(endpoint_metrics::other_label)).requests, 153U);
  EXPECT_EQ(route_template("/a/42/b/c0ffee"), "/a/:id/b/c0ffee");  // short hex words stay
}

}  // namespace
}  // namespace candar

namespace candar {
namespace {

TEST(agent, loads_a_pages_resources_through_the_cache) {
  std::mutex m;
  std::vector<std::string> fetched;
  http_server server([&](seen_request const& r) {
    {
      std::lock_guard lock(m);
      fetched.push_back(r.target);
    }
    if (r.target == "/shop/") {
      return reply{.headers = {{"Content-Type", "text/html"}},
                   .body = R"(<html><head><link rel=stylesheet href="s.css"><script src="/js/a.js"></script></head>
                              <body><img src="img/chair.png"><img src="missing.png"></body></html>)"};
    }
    if (r.target == "/shop/missing.png") return reply{.status = 404};
    return reply{.headers = {{"Cache-Control", "max-age=600"}}, .body = "static " + r.target};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto page = co_await a.get("/shop/").send();
    EXPECT_TRUE(page.has_value());
    if (!page) co_return;
    auto first = co_await a.load_resources(*page);
    EXPECT_EQ(first.items.size(), 4U);
    EXPECT_FALSE(first.all_ok());  // the 404
    EXPECT_EQ(first.from_cache(), 0U);
    for (auto const& item : first.items) {
      if (item.ref.target == "img/chair.png") {
        EXPECT_EQ(item.url, server.url() + "/shop/img/chair.png");
        EXPECT_TRUE(item.result && item.result->body == "static /shop/img/chair.png");
      }
    }
    auto second = co_await a.load_resources(*page);
    EXPECT_EQ(second.from_cache(), 3U);  // everything but the 404 came from memory
  });
  std::lock_guard lock(m);
  EXPECT_EQ(fetched.size(), 6U);  // the page, four resources, then the 404 again
}

// The media resource selection algorithm: the next <source> is tried only when the one before could not be
// played (not a 2xx audio/video answer), as headless Chromium does (scripts/chromium-pages/media.html).
TEST(agent, a_media_elements_next_source_is_fetched_only_when_one_fails) {
  std::mutex m;
  std::vector<std::string> fetched;
  http_server server([&](seen_request const& r) {
    {
      std::lock_guard lock(m);
      fetched.push_back(r.target);
    }
    if (r.target == "/page") {
      return reply{
          .headers = {{"Content-Type", "text/html"}},
          .body = R"(<video><source src="/broken.mp4" type="video/mp4"><source src="/good.webm" type="video/webm">
                              <source src="/unneeded.ogv" type="video/ogg"></video>)"};
    }
    if (r.target == "/broken.mp4") return reply{.headers = {{"Content-Type", "text/plain"}}, .body = "not a video"};
    return reply{.headers = {{"Content-Type", "video/webm"}}, .body = "video"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto page = co_await a.get("/page").send();
    EXPECT_TRUE(page.has_value());
    if (!page) co_return;
    auto loaded = co_await a.load_resources(*page);
    std::vector<std::string> urls;
    for (auto const& item : loaded.items) urls.push_back(item.ref.kind + " " + item.ref.target);
    EXPECT_EQ(urls, (std::vector<std::string>{"media /broken.mp4", "media /good.webm"}));
  });
  std::lock_guard lock(m);
  EXPECT_EQ(fetched, (std::vector<std::string>{"/page", "/broken.mp4", "/good.webm"}));
}

// RFC 5861, as Chromium does it: within stale-while-revalidate the stale response is served at once and a
// conditional request refreshes the entry behind it.
TEST(agent, a_stale_while_revalidate_hit_is_served_at_once_and_revalidated_behind_it) {
  std::mutex m;
  std::vector<std::string> conditions;
  std::optional<asio::any_io_executor> loop;
  std::shared_ptr<asio::steady_timer> revalidation_seen;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    conditions.push_back(r.header("If-None-Match"));
    if (!r.header("If-None-Match").empty()) {
      asio::post(*loop, [t = revalidation_seen] { t->cancel(); });  // wake the test on its own loop
      return reply{.status = 304, .headers = {{"ETag", "\"v1\""}, {"Cache-Control", "max-age=3600"}}};
    }
    return reply{.headers = {{"ETag", "\"v1\""}, {"Cache-Control", "max-age=0, stale-while-revalidate=3600"}},
                 .body = "v1"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    {
      std::lock_guard lock(m);
      loop = co_await asio::this_coro::executor;
      revalidation_seen = std::make_shared<asio::steady_timer>(*loop, 30s);
    }
    auto first = co_await a.get("/swr").send();
    EXPECT_TRUE(first && first->cache == cache_use::network) << summary(first);
    auto second = co_await a.get("/swr").send();  // stale, within the window: from the cache, no waiting
    EXPECT_TRUE(second && second->cache == cache_use::hit && second->body == "v1") << summary(second);
    auto [ec] = co_await revalidation_seen->async_wait(asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec, asio::error::operation_aborted);  // woken by the revalidation, not by the 30 s bound
    // The 304 is on its way: once the agent has read it (yielding to it, no sleep), the entry is fresh for an hour.
    auto const key = server.url() + "/swr";
    for (int i = 0; i < 100000 && a.cache().lookup(key, {}, std::chrono::system_clock::now()).revalidate_in_background;
         ++i) {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
    auto third = co_await a.get("/swr").send();
    EXPECT_TRUE(third && third->cache == cache_use::hit) << summary(third);
    std::lock_guard lock(m);
    revalidation_seen.reset();  // a timer goes with its loop
  });
  std::lock_guard lock(m);
  EXPECT_EQ(conditions, (std::vector<std::string>{"", "\"v1\""}));
}

// A webapp answering "max-age=0, stale-while-revalidate" on everything: every hit is stale, but one
// revalidation per entry is in flight at a time (Chromium keeps one), not one per hit.
TEST(agent, one_background_revalidation_per_entry_is_in_flight_at_a_time) {
  std::atomic<int> plain{0}, conditional{0};
  std::mutex m;
  std::optional<asio::any_io_executor> loop;
  std::shared_ptr<asio::steady_timer> revalidation_seen;
  http_server server([&](seen_request const& r) {
    bool const revalidation = !r.header("If-None-Match").empty();
    (revalidation ? conditional : plain).fetch_add(1);
    if (revalidation) {
      std::lock_guard lock(m);
      asio::post(*loop, [t = revalidation_seen] { t->cancel(); });  // wake the test on its own loop
    }
    return reply{.status = revalidation ? 304 : 200,
                 .headers = {{"ETag", "\"v1\""}, {"Cache-Control", "max-age=0, stale-while-revalidate=3600"}},
                 .body = revalidation ? "" : "v1"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    {
      std::lock_guard lock(m);
      loop = co_await asio::this_coro::executor;
      revalidation_seen = std::make_shared<asio::steady_timer>(*loop, 30s);
    }
    auto first = co_await a.get("/swr").send();
    EXPECT_TRUE(first && first->cache == cache_use::network) << summary(first);
    for (int i = 0; i < 10; ++i) {  // served from the cache without yielding: the first revalidation is in flight
      auto hit = co_await a.get("/swr").send();
      EXPECT_TRUE(hit && hit->cache == cache_use::hit) << summary(hit);
    }
    // Until the server has seen it: the agent going away could otherwise cancel it before it was sent.
    auto [ec] = co_await revalidation_seen->async_wait(asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec, asio::error::operation_aborted);  // woken by the revalidation, not by the 30 s bound
    std::lock_guard lock(m);
    revalidation_seen.reset();  // a timer goes with its loop
  });
  EXPECT_EQ(plain.load(), 1);
  EXPECT_EQ(conditional.load(), 1);
}

// A browser resolves each reference as the parser reaches it: one before <base href> against the document's
// URL, one after it against the base.
TEST(agent, a_resource_before_base_href_resolves_against_the_document) {
  std::mutex m;
  std::vector<std::string> fetched;
  http_server server([&](seen_request const& r) {
    std::lock_guard lock(m);
    fetched.push_back(r.target);
    if (r.target == "/shop/") {
      return reply{
          .body =
              R"(<head><script src="early.js"></script><base href="/static/"><script src="late.js"></script></head>)"};
    }
    return reply{.body = "js"};
  });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto page = co_await a.get("/shop/").send();
    EXPECT_TRUE(page.has_value());
    if (page) EXPECT_TRUE((co_await a.load_resources(*page, 1)).all_ok());
  });
  std::lock_guard lock(m);
  EXPECT_EQ(fetched, (std::vector<std::string>{"/shop/", "/shop/early.js", "/static/late.js"}));
}

TEST(agent, a_pages_resources_take_a_label_and_a_timeout) {
  http_server server([](seen_request const& r) {
    if (r.target == "/") return reply{.body = R"(<img src="/fast.png"><img src="/silent.png">)"};
    if (r.target == "/silent.png") return reply{.never_answer = true};
    return reply{.body = "png"};
  });
  endpoint_metrics metrics;
  std::string silent_code;
  with_agent({.base_url = server.url(), .timeout = std::chrono::seconds(30), .metrics = &metrics},
             [&](agent& a) -> asio::awaitable<void> {
               auto page = co_await a.get("/").label("GET /").send();
               if (!page) co_return;
               auto res = co_await a.load_resources(*page, "GET /img/*", std::chrono::seconds(1));
               for (auto const& item : res.items) {
                 if (item.url.ends_with("silent.png") && !item.result) silent_code = item.result.error().inner_code();
               }
             });
  EXPECT_EQ(silent_code, "timeout");  // the resources' own timeout, not the agent's 30 s
  auto const snap = metrics.snapshot();
  EXPECT_EQ(snap.size(), 2U);
  EXPECT_EQ(snap.at("GET /img/*").requests, 1U);
  EXPECT_EQ(snap.at("GET /img/*").errors_by_code.at("timeout"), 1U);
}

}  // namespace
}  // namespace candar
