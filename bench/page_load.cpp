// A page and its sub-resources loaded by many users at once, each with an agent of its own, over HTTP/2 or
// HTTP/1.1: the wall time until every user has its page whole, and the connections that took. Usage:
// page_load PAGE_URL USERS h2|http1.1 (scripts/perf-h2.sh runs it against nginx with a page of 20 resources).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/worker.hpp"

namespace asio = boost::asio;
using namespace candar;

int main(int argc, char** argv) {
  std::string const protocol = argc > 3 ? argv[3] : "";
  if (argc != 4 || (protocol != "h2" && protocol != "http1.1")) {
    std::fprintf(stderr, "usage: page_load PAGE_URL USERS h2|http1.1\n");
    return 2;
  }
  std::string const page = argv[1];
  std::int64_t const users = std::atoll(argv[2]);
  runtime rt(1);
  std::atomic<std::size_t> connections{0};
  std::atomic<std::int64_t> failures{0};
  std::atomic<std::size_t> resources{0};
  auto const started = std::chrono::steady_clock::now();
  worker visits(rt,
                [&](context const&, std::int64_t) -> asio::awaitable<void> {
                  agent_options options;  // named: g++ 12 miscompiles a braced temporary in a coroutine
                  options.http2 = protocol == "h2" ? http2_use::over_tls : http2_use::never;
                  options.timeout = std::chrono::seconds(30);
                  agent a(co_await asio::this_coro::executor, std::move(options));
                  auto home = co_await a.get(page).send();
                  if (!home || home->status != 200) {
                    ++failures;
                    co_return;
                  }
                  auto const loaded = co_await a.load_resources(*home);
                  if (!loaded.all_ok()) ++failures;
                  resources += loaded.items.size();
                  connections += a.connections_opened();
                },
                {.count = users, .parallelism = users});
  rt.run(visits.process(context(), [](std::exception_ptr) { std::abort(); }));
  auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%-8s %d users, %zu resources: %.3f s, %zu connections, %lld failed\n", protocol.c_str(),
              static_cast<int>(users), resources.load(), seconds, connections.load(),
              static_cast<long long>(failures.load()));
  return failures == 0 ? 0 : 1;
}
