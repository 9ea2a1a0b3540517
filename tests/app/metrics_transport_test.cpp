// --metrics-listen's server and the OTLP pusher over real sockets: a scrape, a client that never sends, a
// collector that answers, one that refuses, one that never answers; the OTEL_* environment read as SDKs read it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "metrics_export.hpp"
#include "metrics_listener.hpp"
#include "otlp_push.hpp"
#include "support/http_server.hpp"
#include "support/plain_http.hpp"

namespace candar::detail {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// An io_context on its own thread, as the supervisor's control thread is.
struct io_thread {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
  ~io_thread() {
    work.reset();
    io.stop();
    thread.join();
  }
  template <class F>
  auto on(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io, [&task] { task(); });
    return result.get();
  }
};

std::uint16_t port_of(std::string const& url) {
  auto const colon = url.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
}

TEST(metrics_listener, serves_the_page_at_metrics_and_nothing_else) {
  io_thread t;
  std::atomic<int> final_scrapes{0};
  auto listener = t.on([&] {
    auto l = std::make_unique<metrics_listener>(t.io, "127.0.0.1:0", [] {
      return metrics_listener::page{"candar_score 7\n", true};
    });
    l->on_scrape([&](bool final) { final_scrapes += final ? 1 : 0; });
    return l;
  });
  auto const port = port_of(listener->url());
  EXPECT_EQ(listener->url(), "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  auto const page = test::plain_get(port, "/metrics");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.head.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos) << page.head;
  EXPECT_EQ(page.body, "candar_score 7\n");
  EXPECT_EQ(test::plain_get(port, "/metrics?x=1").status, 200);
  EXPECT_EQ(test::plain_get(port, "/").status, 404);
  EXPECT_EQ(test::plain_exchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").status, 405);
  EXPECT_EQ(test::plain_exchange(port, "nonsense\r\n\r\n").status, 400);
  EXPECT_EQ(listener->scrapes(), 2U);
  EXPECT_EQ(final_scrapes.load(), 2);
  t.on([&] {
    listener.reset();
    return 0;
  });
}

int connect_to(std::uint16_t port) {
  int const fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr const*>(&at), sizeof at), 0);
  return fd;
}

TEST(metrics_listener, a_head_past_8_kib_gets_no_answer) {
  io_thread t;
  auto listener = t.on([&] {
    return std::make_unique<metrics_listener>(t.io, "127.0.0.1:0", [] {
      return metrics_listener::page{"x 1\n", false};
    });
  });
  auto const port = port_of(listener->url());
  EXPECT_EQ(test::plain_exchange(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(7'000, 'a') + "\r\n\r\n").status,
            200);
  EXPECT_EQ(test::plain_exchange(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(10'000, 'a') + "\r\n\r\n").status,
            0);
  EXPECT_EQ(listener->scrapes(), 1U);
  t.on([&] {
    listener.reset();
    return 0;
  });
}

TEST(metrics_listener, silent_clients_are_cut_off_and_a_scraper_gets_in_again) {
  io_thread t;
  auto listener = t.on([&] {
    return std::make_unique<metrics_listener>(t.io, "127.0.0.1:0", [] {
      return metrics_listener::page{"x 1\n", false};
    });
  });
  auto const port = port_of(listener->url());
  // 16 silent connections fill every slot: a 17th is closed at once, unanswered.
  std::vector<int> silent;
  for (int i = 0; i < 16; ++i) silent.push_back(connect_to(port));
  EXPECT_EQ(test::plain_get(port, "/metrics").status, 0);
  // The silent ones are cut off after 2 s without a head (the server closes them: a read sees the end)...
  for (int const fd : silent) {
    char byte = 0;
    timeval tv{.tv_sec = 30, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    EXPECT_EQ(recv(fd, &byte, 1, 0), 0);
    close(fd);
  }
  // ...and a scrape is served again.
  EXPECT_EQ(test::plain_get(port, "/metrics").body, "x 1\n");
  t.on([&] {
    listener.reset();
    return 0;
  });
}

TEST(metrics_listener, an_address_it_cannot_take_is_named) {
  io_thread t;
  auto const taken = t.on(
      [&] { return std::make_unique<metrics_listener>(t.io, "127.0.0.1:0", [] { return metrics_listener::page{}; }); });
  auto const try_listen = [&](std::string const& address) -> std::string {
    try {
      metrics_listener l(t.io, address, [] { return metrics_listener::page{}; });
      return "bound";
    } catch (std::exception const& e) {
      return e.what();
    }
  };
  auto const in_use = "127.0.0.1:" + std::to_string(port_of(taken->url()));
  EXPECT_NE(try_listen(in_use).find("--metrics-listen " + in_use + ": cannot listen there"), std::string::npos);
  EXPECT_NE(try_listen("127.0.0.1").find("not HOST:PORT"), std::string::npos);
  EXPECT_NE(try_listen("127.0.0.1:99999").find("port"), std::string::npos);
  EXPECT_NE(try_listen("example.com:80").find("not an IP address"), std::string::npos);
  t.on([&] {
    const_cast<std::unique_ptr<metrics_listener>&>(taken).reset();
    return 0;
  });
}

TEST(metrics_export, the_last_figures_wait_for_their_scrape_and_a_signal_ends_the_wait) {
  io_thread t;
  std::atomic<bool> over{false};
  auto const figures = [&] { return run_figures{.phase = over ? "done" : "load"}; };
  metrics_export m(t.io, {.listen = "127.0.0.1:0", .hold = 60s, .version = "x"}, figures);
  auto const port = port_of(m.listen_url());
  EXPECT_NE(test::plain_get(port, "/metrics").body.find("candar_phase{phase=\"load\"} 1"), std::string::npos);
  over = true;
  m.run_over();
  EXPECT_EQ(m.hold_bound(), 60s);
  auto held = std::async(std::launch::async, [&] { m.hold_for_last_scrape(); });
  EXPECT_NE(test::plain_get(port, "/metrics").body.find("candar_phase{phase=\"done\"} 1"), std::string::npos);
  // The scrape of the last figures ends the wait, long before its minute.
  EXPECT_EQ(held.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(m.to_json()["listen"]["scrapes"], 2);

  metrics_export waiting(t.io, {.listen = "127.0.0.1:0", .hold = 60s, .version = "x"}, figures);
  waiting.run_over();
  auto stopped = std::async(std::launch::async, [&] { waiting.hold_for_last_scrape(); });
  waiting.stop_holding();  // what SIGINT does once the result is out
  EXPECT_EQ(stopped.wait_for(30s), std::future_status::ready);
  t.on([] { return 0; });  // the exports' work on the io thread is done before they go
}

TEST(metrics_export, without_a_hold_it_waits_only_for_a_scraper_on_a_schedule) {
  io_thread t;
  metrics_export m(t.io, {.listen = "127.0.0.1:0", .version = "x"}, [] { return run_figures{}; });
  EXPECT_EQ(m.hold_bound(), 0ms);  // no scraper seen
  auto const port = port_of(m.listen_url());
  (void)test::plain_get(port, "/metrics");
  (void)test::plain_get(port, "/metrics");
  EXPECT_EQ(m.hold_bound(), 0ms);  // two scrapes within a second: someone's curl, not a schedule
  t.on([] { return 0; });
}

otlp_target target_at(std::uint16_t port, std::string const& path = "/v1/metrics") {
  otlp_target t;
  t.host = "127.0.0.1:" + std::to_string(port);
  t.addresses = {asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port)};
  t.path = path;
  t.url = "http://" + t.host + path;
  t.timeout = 2s;
  t.headers = {{"Authorization", "Bearer x"}};
  return t;
}

std::string push(io_thread& t, otlp_pusher& p) {
  std::promise<std::string> outcome;
  asio::post(t.io, [&] { p.push_now([&](std::string const& e) { outcome.set_value(e); }); });
  return outcome.get_future().get();
}

TEST(otlp_pusher, posts_the_json_with_the_headers_and_counts_what_failed) {
  std::mutex m;
  std::vector<test::seen_request> seen;
  test::http_server collector([&](test::seen_request const& r) {
    std::lock_guard lock(m);
    seen.push_back(r);
    return test::reply{.status = seen.size() == 1 ? 200 : 503, .body = "{}"};
  });
  io_thread t;
  otlp_pusher p(t.io, target_at(collector.port()), [] { return std::string(R"({"a":1})"); });
  EXPECT_EQ(push(t, p), "");
  EXPECT_NE(push(t, p).find("the collector answered HTTP/1.1 503"), std::string::npos);
  {
    std::lock_guard lock(m);
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].target, "/v1/metrics");
    EXPECT_EQ(seen[0].header("content-type"), "application/json");
    EXPECT_EQ(seen[0].header("authorization"), "Bearer x");
    EXPECT_EQ(seen[0].body, R"({"a":1})");
  }
  auto const tally = p.counts();
  EXPECT_EQ(tally.pushed, 1U);
  EXPECT_EQ(tally.failed, 1U);
  // Nothing listening: refused, said.
  otlp_pusher refused(t.io, target_at(test::closed_port()), [] { return std::string("{}"); });
  EXPECT_NE(push(t, refused).find("refused"), std::string::npos);
}

TEST(otlp_pusher, a_collector_that_never_answers_ends_at_the_timeout) {
  test::http_server silent([](test::seen_request const&) { return test::reply{.never_answer = true}; });
  io_thread t;
  otlp_pusher p(t.io, target_at(silent.port()), [] { return std::string("{}"); });
  EXPECT_NE(push(t, p).find("no answer within 2000 ms"), std::string::npos);
}

// The OTEL_* variables as a test sets them: all cleared first (the machine's own must not count), all cleared after.
struct scoped_env {
  scoped_env() { clear(); }
  ~scoped_env() { clear(); }
  scoped_env(scoped_env const&) = delete;
  scoped_env& operator=(scoped_env const&) = delete;
  static void clear() {
    std::vector<std::string> names;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view const entry(*e);
      if (entry.starts_with("OTEL_")) names.emplace_back(entry.substr(0, entry.find('=')));
    }
    for (auto const& n : names) unsetenv(n.c_str());
  }
  static void set(std::string const& name, std::string const& value) { setenv(name.c_str(), value.c_str(), 1); }
};

std::string warnings_of(otlp_setup const& s) {
  std::string out;
  for (auto const& w : s.warnings) out += w + "\n";
  return out;
}

TEST(otlp_from_environment, reads_the_variables_as_an_sdk_does) {
  scoped_env env;
  EXPECT_FALSE(otlp_from_environment("bench").target.has_value());
  env.set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
  env.set("OTEL_EXPORTER_OTLP_HEADERS", "api-key=a%20b, x-team = blue,,");
  env.set("OTEL_METRIC_EXPORT_INTERVAL", "1500");
  auto const s = otlp_from_environment("bench");
  ASSERT_TRUE(s.target.has_value()) << warnings_of(s);
  EXPECT_TRUE(s.warnings.empty()) << warnings_of(s);
  EXPECT_EQ(s.target->url, "http://127.0.0.1:4318/v1/metrics");  // the general endpoint is a base
  EXPECT_EQ(s.target->host, "127.0.0.1:4318");
  EXPECT_EQ(s.target->addresses.size(), 1U);
  EXPECT_EQ(s.target->headers,
            (std::vector<std::pair<std::string, std::string>>{{"api-key", "a b"}, {"x-team", "blue"}}));
  EXPECT_EQ(s.target->interval, 1500ms);
  EXPECT_EQ(s.target->timeout, 10'000ms);
  EXPECT_EQ(s.target->service_name, "bench");

  env.set("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://[::1]:9000/custom");
  env.set("OTEL_SERVICE_NAME", "load");
  env.set("OTEL_EXPORTER_OTLP_TIMEOUT", "3000");
  auto const own = otlp_from_environment("bench");
  ASSERT_TRUE(own.target.has_value()) << warnings_of(own);
  EXPECT_EQ(own.target->url, "http://[::1]:9000/custom");  // the signal's own endpoint is used as is
  EXPECT_EQ(own.target->host, "[::1]:9000");               // the Host header keeps the brackets
  EXPECT_EQ(own.target->service_name, "load");
  EXPECT_EQ(own.target->timeout, 3000ms);
  env.set("OTEL_METRICS_EXPORTER", "console");  // another exporter chosen: not ours
  EXPECT_FALSE(otlp_from_environment("bench").target.has_value());
  env.set("OTEL_METRICS_EXPORTER", "console, otlp");
  EXPECT_TRUE(otlp_from_environment("bench").target.has_value());
  env.set("OTEL_SDK_DISABLED", "TRUE");
  EXPECT_FALSE(otlp_from_environment("bench").target.has_value());
}

TEST(otlp_from_environment, a_setting_it_cannot_follow_is_a_warning_naming_the_variable) {
  scoped_env env;
  env.set("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318");
  auto const https = otlp_from_environment("bench");
  EXPECT_FALSE(https.target.has_value());
  EXPECT_NE(warnings_of(https).find("OTEL_EXPORTER_OTLP_ENDPOINT=https://collector:4318: not an http:// address"),
            std::string::npos);
  env.set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
  env.set("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
  auto const grpc = otlp_from_environment("bench");
  EXPECT_FALSE(grpc.target.has_value());
  EXPECT_NE(warnings_of(grpc).find("OTEL_EXPORTER_OTLP_PROTOCOL=grpc: candar pushes OTLP metrics as http/json only"),
            std::string::npos);
  env.set("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
  env.set("OTEL_METRIC_EXPORT_INTERVAL", "soon");
  env.set("OTEL_EXPORTER_OTLP_HEADERS", "secret-token,a=b");
  auto const lax = otlp_from_environment("bench");
  ASSERT_TRUE(lax.target.has_value());
  EXPECT_EQ(lax.target->interval, 60'000ms);
  EXPECT_EQ(lax.target->headers, (std::vector<std::pair<std::string, std::string>>{{"a", "b"}}));
  auto const said = warnings_of(lax);
  EXPECT_NE(said.find("OTEL_METRIC_EXPORT_INTERVAL: not a number of milliseconds above zero, 60000 used"),
            std::string::npos);
  EXPECT_NE(said.find("OTEL_EXPORTER_OTLP_HEADERS: an entry that is not key=value was skipped"), std::string::npos);
  EXPECT_EQ(said.find("secret-token"), std::string::npos);  // a header may be a credential: never echoed
}

}  // namespace
}  // namespace candar::detail
