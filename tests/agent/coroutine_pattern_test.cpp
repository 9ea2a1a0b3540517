// The code a contest author wrote first, which g++ 12 miscompiled: options braced inside a co_await
// full-expression (`agent a(co_await this_coro::executor, {.base_url = ...})`) and a braced list passed to a
// request inside co_await, in a worker's iterations, many times. It aborted in ~agent (`munmap_chunk(): invalid
// pointer`) after a few iterations; the project builds with clang 16, which compiles it correctly, and the
// kit's API (agent(options), field()) does not need the pattern at all.
#include "candar/agent/agent.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include <boost/asio/this_coro.hpp>

#include "candar/benchmark/benchmark.hpp"
#include "candar/worker/worker.hpp"
#include "support/http_server.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;

TEST(coroutine_pattern, braced_temporaries_inside_co_await_in_a_worker_survive_many_iterations) {
  std::atomic<int> posted{0};
  http_server server([&](seen_request const& r) {
    if (r.method == "POST" && r.body == "name=v&n=7") posted.fetch_add(1);
    return reply{.body = "ok"};
  });
  std::string const url = server.url();
  runtime rt(2);
  std::atomic<int> ok{0};
  benchmark b({.load_timeout = std::chrono::seconds(60)});
  b.add({.name = "pattern", .load = [&](step& s) -> asio::awaitable<void> {
           worker w(s.runtime(),
                    [&](context const&, std::int64_t) -> asio::awaitable<void> {
                      std::string v = "v";
                      agent a(co_await asio::this_coro::executor,
                              {.base_url = url, .timeout = std::chrono::seconds(5)});
                      auto res = co_await a.post("/form").form({{"name", v}, {"n", std::to_string(7)}}).send();
                      if (res && res->status == 200 && res->body == "ok") ok.fetch_add(1);
                    },
                    {.count = 300, .parallelism = 8});
           co_await w.process(s);
         }});
  auto const& r = b.run(rt);
  EXPECT_EQ(r.errors().count(), 0);
  EXPECT_EQ(ok.load(), 300);
  EXPECT_EQ(posted.load(), 300);
}

TEST(coroutine_pattern, an_agent_finds_its_loop_itself) {
  http_server server([](seen_request const&) { return reply{.body = "here"}; });
  runtime rt(1);
  std::string body;
  rt.run([&]() -> asio::awaitable<void> {
    agent a({.base_url = server.url()});
    auto res = co_await a.get("/").send();
    if (res) body = res->body;
  }());
  EXPECT_EQ(body, "here");
  // Off a loop there is no loop to find: a clear error, not a crash.
  EXPECT_THROW(agent({.base_url = server.url()}), std::logic_error);
}

}  // namespace
}  // namespace candar
