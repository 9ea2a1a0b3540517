#include "candar/agent/agent.hpp"

// The agent's time bounds: a request ends by its deadline whatever the server does (silent, trickling, never
// pausing, answering exactly at the deadline, a connection that never opens), and what it is cut off from is
// named for what it is.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

#include "candar/context/parallel.hpp"
#include "candar/failure/codes.hpp"
#include "candar/runtime/runtime.hpp"
#include "support/http_server.hpp"
#include "support/outcome_text.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::http_server;
using test::reply;
using test::seen_request;
using test::with_agent;

using test::inner_code;
using test::summary;

// A server on its own thread that answers one connection with a status line and headers, then `body_bytes`
// of body as fast as the socket takes them, never pausing: the agent's socket is readable whenever it looks.
class firehose_server {
 public:
  explicit firehose_server(std::uint64_t body_bytes) : listener_(io_, {asio::ip::address_v4::loopback(), 0}) {
    thread_ = std::thread([this, body_bytes] {
      boost::system::error_code ec;
      asio::ip::tcp::socket s(io_);
      listener_.accept(s, ec);
      if (ec) return;
      asio::streambuf request;
      asio::read_until(s, request, "\r\n\r\n", ec);
      std::string const head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_bytes) + "\r\n\r\n";
      asio::write(s, asio::buffer(head), ec);
      std::string const block(64 * 1024, 'x');
      for (std::uint64_t sent = 0; !ec && sent < body_bytes; sent += block.size()) {
        asio::write(s, asio::buffer(block.data(), std::min<std::uint64_t>(block.size(), body_bytes - sent)), ec);
        if (!ec) bytes_sent_ += block.size();
      }
    });
  }
  ~firehose_server() {
    boost::system::error_code ignored;
    listener_.close(ignored);  // an accept still waiting ends
    thread_.join();
  }
  firehose_server(firehose_server const&) = delete;
  firehose_server& operator=(firehose_server const&) = delete;

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(listener_.local_endpoint().port());
  }
  [[nodiscard]] std::uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor listener_;
  std::atomic<std::uint64_t> bytes_sent_{0};
  std::thread thread_;
};

TEST(agent_deadline, a_sender_that_never_pauses_is_still_cut_off_at_the_deadline) {
  // The agent's reads always find data, so none of them ever waits in the reactor when the deadline passes:
  // a cancel would reach nothing and every read after it would run with no deadline, through all 4 GB.
  std::uint64_t const four_gigabytes = 4ULL << 30;
  firehose_server server(four_gigabytes);
  agent_options options{.base_url = server.url(), .timeout = 100ms};
  options.limits.max_body_bytes = four_gigabytes;
  with_agent(options, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
  });
  EXPECT_LT(server.bytes_sent(), four_gigabytes);
}

TEST(agent_deadline, a_response_that_completes_as_the_deadline_passes_leaves_no_broken_connection) {
  // The answer and the deadline land together: the request may succeed or time out, but the connection the
  // deadline closed must not go back to the pool for the next request.
  http_server server([](seen_request const& r) {
    return r.target == "/at-deadline" ? reply{.body = "just in time", .delay = 50ms} : reply{.body = "next"};
  });
  with_agent({.base_url = server.url(), .timeout = 50ms}, [&](agent& a) -> asio::awaitable<void> {
    int served = 0, timed_out = 0;
    for (int i = 0; i < 20; ++i) {
      auto res = co_await a.get("/at-deadline").send();
      if (res) {
        EXPECT_EQ(res->body, "just in time");
        ++served;
      } else {
        EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
        ++timed_out;
      }
      auto next = co_await a.get("/next").timeout(5s).send();
      EXPECT_TRUE(next && next->body == "next") << summary(next);
    }
    EXPECT_EQ(served + timed_out, 20);
  });
}

TEST(agent_deadline, a_trickling_server_is_cut_off_at_the_deadline) {
  // One byte at a time, each well within the deadline: only the request's whole deadline ends it.
  std::string const trickle = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
  http_server server([&](seen_request const&) { return reply{.raw = trickle, .trickle_every = 5ms}; });
  with_agent({.base_url = server.url(), .timeout = 150ms}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
  });
}

TEST(agent_deadline, a_connection_that_never_opens_is_named_so) {
  asio::io_context io;
  asio::ip::tcp::acceptor listener(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  listener.listen(0);
  // One connection fills a backlog-0 accept queue (the kernel completes its handshake, nobody accepts it); a
  // second connect in this thread would block until the kernel gives up on its SYNs, minutes later.
  asio::ip::tcp::socket filler(io);
  filler.connect(listener.local_endpoint());
  auto const url = "http://127.0.0.1:" + std::to_string(listener.local_endpoint().port());
  with_agent({.base_url = url, .timeout = std::chrono::seconds(5), .connect_timeout = std::chrono::milliseconds(200)},
             [&](agent& a) -> asio::awaitable<void> {
               auto res = co_await a.get("/").send();
               EXPECT_EQ(inner_code(res), codes::timeout);
               if (!res)
                 EXPECT_NE(res.error().message().find("did not open within the connect timeout"), std::string::npos)
                     << res.error().message();
             });
  with_agent({.base_url = url, .timeout = std::chrono::milliseconds(200)}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::timeout);
    if (!res)
      EXPECT_NE(res.error().message().find("did not open within the request's timeout"), std::string::npos)
          << res.error().message();
  });
}

TEST(agent_deadline, a_silent_server_times_out_with_the_request_timeout) {
  http_server server([](seen_request const&) { return reply{.never_answer = true}; });
  with_agent({.base_url = server.url(), .timeout = 30s}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").timeout(50ms).send();
    EXPECT_FALSE(res.has_value());
    EXPECT_EQ(inner_code(res), codes::timeout);
  });
}

TEST(agent_deadline, a_shorter_timeout_after_a_longer_one_on_the_same_connection_still_holds) {
  // The connection's timer is set for the first request's far deadline; the second one's is nearer.
  http_server server(
      [](seen_request const& r) { return r.target == "/silent" ? reply{.never_answer = true} : reply{}; });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_TRUE((co_await a.get("/").timeout(30s).send()).has_value());
    auto res = co_await a.get("/silent").timeout(50ms).send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
    EXPECT_EQ(a.connections_opened(), 1U);
  });
}

TEST(agent_deadline, a_reused_connection_times_out_at_its_own_requests_deadline) {
  // The timer, set for the first request's deadline, fires while the second is in flight with a later one:
  // it must move on to that deadline, not cut the second request off early nor let it hang.
  http_server server(
      [](seen_request const& r) { return r.target == "/silent" ? reply{.never_answer = true} : reply{}; });
  with_agent({.base_url = server.url(), .timeout = 1s}, [&](agent& a) -> asio::awaitable<void> {
    EXPECT_TRUE((co_await a.get("/").send()).has_value());
    auto res = co_await a.get("/silent").send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
  });
}

TEST(agent_deadline, agents_on_one_loop_each_keep_their_own_deadline) {
  // One timer per loop watches every agent's requests: the impatient one is cut off, the patient one, in flight
  // at the same time on the same loop, gets its slow answer.
  http_server silent([](seen_request const&) { return reply{.never_answer = true}; });
  http_server slow([](seen_request const&) { return reply{.body = "late but fine", .delay = 300ms}; });
  runtime rt(1);
  rt.run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    agent_options impatient_options{.base_url = silent.url(), .timeout = 50ms};
    agent_options patient_options{.base_url = slow.url(), .timeout = 30s};
    agent impatient(ex, impatient_options);
    agent patient(ex, patient_options);
    std::optional<outcome> cut;
    std::optional<outcome> served;
    parallel both(ex, 2);
    both.spawn([&]() -> asio::awaitable<void> { cut = co_await impatient.get("/").send(); });
    both.spawn([&]() -> asio::awaitable<void> { served = co_await patient.get("/").send(); });
    co_await both.wait();
    EXPECT_EQ(inner_code(*cut), codes::timeout) << summary(*cut);
    EXPECT_TRUE(*served && (*served)->body == "late but fine") << summary(*served);
  }());
}

}  // namespace
}  // namespace candar
