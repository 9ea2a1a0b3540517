// HTTP/2 servers that break the protocol or try to exhaust the agent (issue 23): each ends as an error of the
// request, within its deadline, never as a hang, a crash or unbounded memory. The server is raw_h2_server,
// which sends frames no real server would.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/context/parallel.hpp"
#include "candar/failure/codes.hpp"
#include "support/outcome_text.hpp"
#include "support/raw_h2_server.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
namespace f = test::h2_frames;
using namespace std::chrono_literals;
using test::h2_script;
using test::inner_code;
using test::raw_h2_server;
using test::summary;
using test::with_agent;

agent_options h2c(std::string const& url) {
  return {.base_url = url, .timeout = 5s, .http2 = http2_use::always, .cache = false};
}

// The request's outcome against a server that sends `bytes` on every connection.
outcome get_from(std::string const& bytes, std::chrono::milliseconds timeout = 5000ms) {
  raw_h2_server server([&](int) { return h2_script{bytes}; });
  outcome got = error(codes::canceled, "not run");
  with_agent(h2c(server.url()),
             [&](agent& a) -> asio::awaitable<void> { got = co_await a.get("/").timeout(timeout).send(); });
  return got;
}

// The frames in what a client sent after its 24-byte preface: type and payload (RFC 9113 4.1).
std::vector<std::pair<int, std::string>> frames_in(std::string const& sent) {
  std::vector<std::pair<int, std::string>> frames;
  for (std::size_t at = 24; at + 9 <= sent.size();) {
    auto const byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(sent[at + i])); };
    std::size_t const size = (byte(0) << 16) | (byte(1) << 8) | byte(2);
    frames.emplace_back(static_cast<int>(byte(3)), sent.substr(at + 9, size));
    at += 9 + size;
  }
  return frames;
}

TEST(agent_h2_hostile, a_well_formed_answer_from_the_raw_server_is_read) {
  auto const res = get_from(f::settings() + f::headers(1, f::field(":status", "200") + f::field("x-a", "b"), false) +
                            f::data(1, "fine", true));
  ASSERT_TRUE(res) << summary(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->header("x-a"), "b");
  EXPECT_EQ(res->body, "fine");
  EXPECT_EQ(res->protocol, http_protocol::h2);
}

TEST(agent_h2_hostile, a_status_outside_100_to_599_is_refused_as_over_http1_1) {
  auto const res = get_from(f::settings() + f::headers(1, f::field(":status", "103"), false) +
                            f::headers(1, f::field(":status", "071"), true));  // a fuzzer's find
  EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
  EXPECT_NE(summary(res).find("a bad :status '071'"), std::string::npos) << summary(res);
}

TEST(agent_h2_hostile, a_malformed_frame_is_an_http2_error) {
  auto const res = get_from(f::settings() + f::data(0, "data on stream 0", false));
  EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
  EXPECT_NE(summary(res).find("the server broke HTTP/2"), std::string::npos) << summary(res);
}

TEST(agent_h2_hostile, the_agent_tells_a_server_that_broke_the_protocol_why_it_leaves_with_a_goaway_over_tls_too) {
  // The break alone, and after a GOAWAY of the server's that lets the request go on.
  std::string const broken = f::data(0, "data on stream 0", false);
  for (auto const& [tls, before] : std::vector<std::pair<bool, std::string>>{{false, f::settings()},
                                                                             {true, f::settings()},
                                                                             {false, f::settings() + f::goaway(1, 0)},
                                                                             {true, f::settings() + f::goaway(1, 0)}}) {
    std::string const bytes = before + broken;
    raw_h2_server server([&](int) { return h2_script{bytes}; }, tls);
    agent_options const options{.base_url = server.url(),
                                .timeout = 5s,
                                .http2 = tls ? http2_use::over_tls : http2_use::always,
                                .cache = false};
    with_agent(options, [&](agent& a) -> asio::awaitable<void> {
      auto const res = co_await a.get("/").send();
      EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
    });
    std::string goaway_code;
    for (auto const& [type, payload] : frames_in(server.sent_by_client(0))) {
      if (type == 7 && payload.size() >= 8) goaway_code = payload.substr(4, 4);
    }
    EXPECT_EQ(goaway_code, std::string("\0\0\0\1", 4))
        << (tls ? "over TLS, " : "h2c, ") << bytes.size() << " bytes";  // PROTOCOL_ERROR
  }
}

TEST(agent_h2_hostile, a_server_that_breaks_the_protocol_while_the_agent_writes_a_body_is_an_http2_error_at_once) {
  // The server opens its windows wide, takes a megabyte of a large body, then sends a malformed frame while the
  // agent's writer is busy: the request ends on what the server broke, not at its deadline. Either the server
  // reads no more (the writer waits on a full socket: the agent's GOAWAY cannot leave), or it sends a GOAWAY of
  // its own just before and reads on (the session is spent once the writer hands out the agent's GOAWAY).
  std::string const wide = f::settings({{4, 0x7fffffff}}) + f::window_update(0, 0x7fffffff - 65535);
  for (bool const goaway_first : {false, true}) {
    for (bool const tls : {false, true}) {
      raw_h2_server server(
          [&](int) {
            // The GOAWAY comes with the break, after the body began: the request surely went before it.
            return h2_script{.bytes = wide,
                             .read_after = goaway_first,
                             .later_after = std::size_t{1} << 20,
                             .later = (goaway_first ? f::goaway(1, 0) : "") + f::data(0, "data on stream 0", false)};
          },
          tls);
      agent_options const options{.base_url = server.url(),
                                  .timeout = 20s,
                                  .http2 = tls ? http2_use::over_tls : http2_use::always,
                                  .cache = false};
      with_agent(options, [&](agent& a) -> asio::awaitable<void> {
        auto const res = co_await a.post("/").body(std::string(std::size_t{32} << 20, 'x'), "text/plain").send();
        EXPECT_EQ(inner_code(res), codes::http2)
            << summary(res) << (tls ? ", over TLS" : ", h2c") << (goaway_first ? ", GOAWAY first" : "");
        EXPECT_NE(summary(res).find("the server broke HTTP/2"), std::string::npos) << summary(res);
      });
    }
  }
}

TEST(agent_h2_hostile, a_request_still_waiting_for_a_stream_when_the_server_breaks_the_protocol_goes_on_a_new_one) {
  // One stream at a time: a POST's body is going out, and a GET waits for the stream, when the server breaks the
  // protocol. The POST fails with it; the GET, which the server never saw, goes again on a new connection. (The
  // first request, reset, makes the server's SETTINGS known while the connection carried no response: the GET
  // is not one on a reused connection, which would go again anyway.)
  raw_h2_server server([&](int n) {
    if (n > 0)
      return h2_script{f::settings() + f::headers(1, f::field(":status", "200"), false) + f::data(1, "fine", true)};
    return h2_script{.bytes = f::settings({{3, 1}, {4, 0x7fffffff}}) + f::window_update(0, 0x7fffffff - 65535) +
                              f::rst_stream(1, 8),  // CANCEL
                     .later_after = std::size_t{300} << 10,
                     .later = f::data(0, "data on stream 0", false)};
  });
  agent_options options = h2c(server.url());
  options.timeout = 20s;
  with_agent(options, [&](agent& a) -> asio::awaitable<void> {
    auto const first = co_await a.get("/first").send();
    EXPECT_NE(summary(first).find("CANCEL"), std::string::npos) << summary(first);
    parallel p(co_await asio::this_coro::executor);
    p.spawn([&]() -> asio::awaitable<void> {
      auto const res = co_await a.post("/").body(std::string(std::size_t{1} << 20, 'x'), "text/plain").send();
      EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
    });
    p.spawn([&]() -> asio::awaitable<void> {
      auto const res = co_await a.get("/waiting").send();
      EXPECT_TRUE(res && res->body == "fine") << summary(res);
    });
    co_await p.wait();
  });
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(agent_h2_hostile, a_frame_over_the_announced_size_is_an_http2_error) {
  auto const res = get_from(f::settings() + f::headers(1, f::field(":status", "200"), false) +
                            f::data(1, std::string(20000, 'x'), true));
  EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
}

TEST(agent_h2_hostile, an_hpack_bomb_is_stopped_at_the_header_limit) {
  // One 4,000-byte entry in the dynamic table, then named 1,000 times by one byte each: 4 MB of fields.
  std::string block = f::field(":status", "200") + f::field("x-bomb", std::string(4000, 'b'), true);
  block.append(1000, '\xbe');  // indexed field 62: the newest dynamic entry
  auto const res = get_from(f::settings() + f::headers(1, block, true));
  EXPECT_EQ(inner_code(res), codes::too_large) << summary(res);
}

TEST(agent_h2_hostile, endless_continuation_frames_end_as_an_error) {
  std::string bytes = f::settings() + f::headers(1, f::field(":status", "200"), false, false);
  for (int i = 0; i < 10000; ++i) bytes += f::continuation(1, f::field("x-more", "v"), false);
  auto const res = get_from(bytes);
  EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
  EXPECT_NE(summary(res).find("CONTINUATION"), std::string::npos) << summary(res);
}

TEST(agent_h2_hostile, a_stream_reset_in_the_middle_of_its_body_says_so) {
  auto const res = get_from(f::settings() + f::headers(1, f::field(":status", "200"), false) +
                            f::data(1, "partial", false) + f::rst_stream(1, 2));
  EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
  EXPECT_NE(summary(res).find("INTERNAL_ERROR"), std::string::npos) << summary(res);
}

TEST(agent_h2_hostile, a_server_that_never_opens_its_window_is_ended_by_the_deadline) {
  raw_h2_server server([](int) { return h2_script{f::settings({{4, 0}})}; });  // SETTINGS_INITIAL_WINDOW_SIZE 0
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const res = co_await a.post("/").body(std::string(200000, 'x'), "text/plain").timeout(300ms).send();
    EXPECT_EQ(inner_code(res), codes::timeout) << summary(res);
  });
}

TEST(agent_h2_hostile, a_server_that_allows_no_stream_ends_each_request_at_its_deadline) {
  // SETTINGS_MAX_CONCURRENT_STREAMS 0 (RFC 9113 5.1.2: no new stream may open), then silence: a request waits for
  // a stream, as Chromium's does, and its deadline ends the wait; the requests after it do not wait on it.
  raw_h2_server server([](int) { return h2_script{f::settings({{3, 0}})}; });
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto const res = co_await a.get("/").timeout(300ms).send();
      EXPECT_EQ(inner_code(res), codes::timeout) << i << ": " << summary(res);
    }
  });
  // One connection: the requests waited on it, not on new ones (its silence stayed under a PING's second).
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(agent_h2_hostile, a_ping_flood_from_a_server_that_reads_nothing_fails_the_connection) {
  std::string flood = f::settings();
  for (int i = 0; i < 1000000; ++i) flood += f::ping();  // 17 MB; the agent's replies pile up unread
  raw_h2_server server([&](int) { return h2_script{flood, false}; });
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const res = co_await a.get("/").timeout(10s).send();
    EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
    EXPECT_NE(summary(res).find("Flooding"), std::string::npos) << summary(res);
  });
}

TEST(agent_h2_hostile, a_goaway_below_the_request_sends_a_get_again_once_on_a_new_connection) {
  raw_h2_server server([](int connection) {
    if (connection == 0) return h2_script{f::settings() + f::goaway(0, 0)};
    return h2_script{f::settings() + f::headers(1, f::field(":status", "200"), false) + f::data(1, "ok", true)};
  });
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const res = co_await a.get("/").send();
    EXPECT_TRUE(res && res->body == "ok") << summary(res);
  });
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(agent_h2_hostile, a_connection_silent_through_a_requests_timeout_is_closed_and_the_next_request_opens_another) {
  raw_h2_server server([](int) {  // answers its first request, then nothing more, not even to a PING
    return h2_script{f::settings() + f::headers(1, f::field(":status", "200"), false) + f::data(1, "first", true)};
  });
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const first = co_await a.get("/").send();
    EXPECT_TRUE(first && first->body == "first") << summary(first);
    auto const stalled = co_await a.get("/").timeout(300ms).send();  // and a PING goes
    EXPECT_EQ(inner_code(stalled), codes::timeout) << summary(stalled);
    EXPECT_EQ(server.client_connections_open(), 1);
    auto const again = co_await a.get("/").timeout(1200ms).send();  // the PING unanswered all through it, over 1 s
    EXPECT_EQ(inner_code(again), codes::timeout) << summary(again);
    EXPECT_EQ(server.client_connections_open(), 0);  // presumed dead, and closed
    auto const next = co_await a.get("/").send();
    EXPECT_TRUE(next && next->body == "first" && !next->reused_connection) << summary(next);
  });
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(agent_h2_hostile, connections_that_refuse_every_stream_are_closed_not_kept) {
  raw_h2_server server(
      [](int) { return h2_script{f::settings() + f::rst_stream(1, 7)}; });  // REFUSED_STREAM, no GOAWAY
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
    EXPECT_EQ(server.connections_accepted(), 3);  // the request and its two retries, each on a new connection
    EXPECT_EQ(server.client_connections_open(), 0);
  });
}

TEST(agent_h2_hostile, a_body_cut_by_a_reset_with_no_error_is_no_response) {
  auto const res =
      get_from(f::settings() + f::headers(1, f::field(":status", "200") + f::field("content-length", "1000"), false) +
               f::data(1, "abc", false) + f::rst_stream(1, 0));
  EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
  EXPECT_NE(summary(res).find("reset before its response ended"), std::string::npos) << summary(res);
}

TEST(agent_h2_hostile, a_new_connection_lost_before_the_response_is_not_sent_again) {
  raw_h2_server server([](int) { return h2_script{f::settings(), true, true}; });  // closes after its SETTINGS
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const res = co_await a.get("/").send();
    EXPECT_EQ(inner_code(res), codes::connection) << summary(res);
  });
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(agent_h2_hostile, a_goaway_below_a_post_is_an_error_not_a_second_post) {
  raw_h2_server server([](int) { return h2_script{f::settings() + f::goaway(0, 0)}; });
  with_agent(h2c(server.url()), [&](agent& a) -> asio::awaitable<void> {
    auto const res = co_await a.post("/").body("a=1", "application/x-www-form-urlencoded").send();
    EXPECT_EQ(inner_code(res), codes::http2) << summary(res);
  });
  EXPECT_EQ(server.connections_accepted(), 1);
}

}  // namespace
}  // namespace candar
