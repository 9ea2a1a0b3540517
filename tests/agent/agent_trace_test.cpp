// W3C Trace Context (https://www.w3.org/TR/trace-context/): what a traced agent sends, and how its responses
// and errors name the request, judged by what a real local server received.
#include "candar/agent/agent.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <set>

#include <boost/asio/ip/tcp.hpp>

#include "candar/check/response_check.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/users/user_pool.hpp"
#include "support/http_server.hpp"
#include "support/with_agent.hpp"
#include "trace_source.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;
using test::with_agent;

// The traceparent of each request a server saw, in order.
struct traceparent_server {
  std::mutex m;
  std::vector<std::string> seen;
  std::function<reply(seen_request const&)> answer = [](seen_request const&) { return reply{}; };
  http_server server{[this](seen_request const& r) {
    {
      std::lock_guard lock(m);
      seen.push_back(r.header("traceparent"));
    }
    return answer(r);
  }};
  std::vector<std::string> traceparents() {
    std::lock_guard lock(m);
    return seen;
  }
};

// Version 00, 32 and 16 lowercase hex digits, sampled; the spec forbids all-zero ids.
void expect_valid_traceparent(std::string const& value) {
  static std::regex const form("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  EXPECT_TRUE(std::regex_match(value, form)) << value;
  EXPECT_NE(value.substr(3, 32), std::string(32, '0'));
  EXPECT_NE(value.substr(36, 16), std::string(16, '0'));
}

std::string trace_of(std::string const& traceparent) { return traceparent.substr(3, 32); }
std::string span_of(std::string const& traceparent) { return traceparent.substr(36, 16); }

TEST(agent_trace, an_untraced_agent_sends_no_traceparent) {
  traceparent_server s;
  // as_run, and this run was not started with --trace (no trace_this_run() in this test program).
  with_agent({.base_url = s.server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").send();
    EXPECT_TRUE(res && res->trace.empty());
    EXPECT_EQ(a.trace_id(), "");
  });
  EXPECT_EQ(s.traceparents(), std::vector<std::string>{""});
}

TEST(agent_trace, a_visit_is_one_trace_each_request_its_own_span_and_a_new_visit_a_new_trace) {
  traceparent_server s;
  std::vector<trace_ids> answered;
  std::string first_visit, second_visit;
  with_agent({.base_url = s.server.url(), .trace = trace_use::on, .trace_seed = 7},
             [&](agent& a) -> asio::awaitable<void> {
               first_visit = a.trace_id();
               for (auto const* target : {"/", "/a", "/b"}) answered.push_back((co_await a.get(target).send())->trace);
               a.new_trace();
               second_visit = a.trace_id();
               answered.push_back((co_await a.get("/").send())->trace);
             });
  auto const seen = s.traceparents();
  ASSERT_EQ(seen.size(), 4U);
  std::set<std::string> spans;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    expect_valid_traceparent(seen[i]);
    // The response names what went out.
    EXPECT_EQ(answered[i].traceparent(), seen[i]);
    spans.insert(span_of(seen[i]));
  }
  EXPECT_EQ(spans.size(), 4U);
  EXPECT_EQ(trace_of(seen[0]), first_visit);
  EXPECT_EQ(trace_of(seen[1]), first_visit);
  EXPECT_EQ(trace_of(seen[2]), first_visit);
  EXPECT_EQ(trace_of(seen[3]), second_visit);
  EXPECT_NE(first_visit, second_visit);
}

TEST(agent_trace, a_followed_redirect_goes_out_under_the_requests_span) {
  traceparent_server s;
  s.answer = [](seen_request const& r) {
    if (r.target == "/old") return reply{.status = 302, .headers = {{"Location", "/new"}}};
    return reply{.body = "here"};
  };
  with_agent({.base_url = s.server.url(), .max_redirects = 2, .trace = trace_use::on},
             [&](agent& a) -> asio::awaitable<void> {
               auto res = co_await a.get("/old").send();
               EXPECT_TRUE(res && res->body == "here");
             });
  auto const seen = s.traceparents();
  ASSERT_EQ(seen.size(), 2U);
  expect_valid_traceparent(seen[0]);
  EXPECT_EQ(seen[0], seen[1]);  // one request of the scenario, one span: both hops name it as their parent
}

TEST(agent_trace, a_traceparent_of_the_scenarios_own_is_sent_as_it_is) {
  traceparent_server s;
  std::string const theirs = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  with_agent({.base_url = s.server.url(), .trace = trace_use::on}, [&](agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get("/").header("traceparent", theirs).send();
    EXPECT_TRUE(res && res->trace.empty());  // not ours to name
  });
  EXPECT_EQ(s.traceparents(), std::vector<std::string>{theirs});
}

TEST(agent_trace, a_cache_hit_names_the_visit_but_no_span_since_nothing_went_out) {
  traceparent_server s;
  s.answer = [](seen_request const&) { return reply{.headers = {{"Cache-Control", "max-age=600"}}, .body = "css"}; };
  trace_ids first, hit;
  std::string visit;
  with_agent({.base_url = s.server.url(), .trace = trace_use::on}, [&](agent& a) -> asio::awaitable<void> {
    first = (co_await a.get("/app.css").send())->trace;
    auto again = co_await a.get("/app.css").send();
    EXPECT_TRUE(again && again->cache == cache_use::hit);
    hit = again->trace;
    visit = a.trace_id();
  });
  EXPECT_EQ(s.traceparents().size(), 1U);
  EXPECT_EQ(first.span_id.size(), 16U);
  EXPECT_EQ(hit.trace_id, visit);
  EXPECT_EQ(hit.span_id, "");
}

TEST(agent_trace, a_failed_check_names_the_trace_and_span_the_server_received) {
  traceparent_server s;
  s.answer = [](seen_request const&) { return reply{.status = 500, .body = "oops"}; };
  std::optional<error> failed;
  with_agent({.base_url = s.server.url(), .trace = trace_use::on}, [&](agent& a) -> asio::awaitable<void> {
    failed = check(co_await a.post("/api/reward").send(), "POST /api/reward", expect::status(200));
  });
  ASSERT_TRUE(failed.has_value());
  auto const seen = s.traceparents();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(failed->trace_context().traceparent(), seen[0]);
  EXPECT_NE(failed->summary().find("(trace " + trace_of(seen[0]) + " span " + span_of(seen[0]) + ")"),
            std::string::npos)
      << failed->summary();
  // Wrapping it in a flow's name keeps it.
  EXPECT_EQ(failed->wrap("visit").trace_context().traceparent(), seen[0]);
}

TEST(agent_trace, a_request_that_never_reached_a_server_still_names_its_trace) {
  // A port nobody listens on: the error is the agent's own, and the contestant still gets the ids to search.
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto const port = probe.local_endpoint().port();
  probe.close();
  std::optional<error> failed;
  std::string trace;
  with_agent({.base_url = "http://127.0.0.1:" + std::to_string(port), .trace = trace_use::on},
             [&](agent& a) -> asio::awaitable<void> {
               trace = a.trace_id();
               failed = check(co_await a.get("/").send(), "GET /", expect::status(200));
             });
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->trace_context().trace_id, trace);
  EXPECT_EQ(failed->trace_context().span_id.size(), 16U);
  EXPECT_NE(failed->summary().find("(trace " + trace + " span " + failed->trace_context().span_id + ")"),
            std::string::npos)
      << failed->summary();
}

TEST(agent_trace, the_same_seed_and_stream_draw_the_same_ids_and_other_streams_others) {
  auto ids = [](std::uint64_t seed, std::uint64_t stream) {
    detail::trace_source source(seeded_random(seed).fork(stream));
    std::vector<std::string> out{source.trace_id()};
    for (int i = 0; i < 3; ++i) out.push_back(source.next_span().span_id);
    source.new_trace();
    out.push_back(source.trace_id());
    return out;
  };
  EXPECT_EQ(ids(42, 1), ids(42, 1));
  EXPECT_NE(ids(42, 1), ids(42, 2));
  EXPECT_NE(ids(42, 1), ids(43, 1));
  // Two traced agents made one after the other never share a trace.
  traceparent_server s;
  std::string one, two;
  with_agent({.base_url = s.server.url(), .trace = trace_use::on}, [&](agent& a) -> asio::awaitable<void> {
    agent other(a.options());
    one = a.trace_id();
    two = other.trace_id();
    co_return;
  });
  EXPECT_NE(one, two);
}

TEST(agent_trace, each_lease_of_a_pooled_user_is_a_new_visit) {
  traceparent_server s;
  runtime rt(1);
  user_pool<int> users({.base_url = s.server.url(), .trace = trace_use::on});
  users.add(1);
  rt.run([&]() -> asio::awaitable<void> {
    for (int visit = 0; visit < 3; ++visit) {
      auto u = users.take();
      EXPECT_TRUE(u);
      if (!u) co_return;
      co_await u->agent.get("/first").send();
      co_await u->agent.get("/second").send();
    }
  }());
  auto const seen = s.traceparents();
  ASSERT_EQ(seen.size(), 6U);
  for (std::size_t visit = 0; visit < 3; ++visit) {
    EXPECT_EQ(trace_of(seen[2 * visit]), trace_of(seen[2 * visit + 1])) << "visit " << visit;
    if (visit > 0) EXPECT_NE(trace_of(seen[2 * visit]), trace_of(seen[2 * visit - 1])) << "visit " << visit;
  }
}

}  // namespace
}  // namespace candar
