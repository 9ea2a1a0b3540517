// How much memory 10,000 virtual users take once each has made its requests: an agent per user, each with a
// cookie set by the page and one stylesheet held in its cache, all held at once. Prints the resident memory
// before and after, and per agent. Usage: agents_memory URL_OF_PAGE URL_OF_CACHEABLE_RESOURCE [AGENTS]
// (scripts/perf-agent.sh runs it against nginx). Idle connections are closed after each user's requests, so
// the figure is the agents' own state, not 10,000 sockets' buffers.
#include <unistd.h>
#include <cstdlib>
#include <exception>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/worker.hpp"

namespace asio = boost::asio;
using namespace candar;

namespace {
double resident_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: agents_memory PAGE_URL RESOURCE_URL [AGENTS]\n");
    return 2;
  }
  std::string const page = argv[1];
  std::string const resource = argv[2];
  std::int64_t const count = argc > 3 ? std::stoll(argv[3]) : 10'000;

  runtime rt(1);
  std::vector<std::unique_ptr<agent>> agents(static_cast<std::size_t>(count));
  std::int64_t failures = 0;
  std::int64_t cookies = 0;
  std::int64_t cached = 0;
  double const before = resident_mb();
  worker users(rt,
               [&](context const&, std::int64_t i) -> asio::awaitable<void> {
                 agent_options options;  // named: g++ 12 miscompiles a braced temporary in a coroutine
                 auto a = std::make_unique<agent>(co_await asio::this_coro::executor, std::move(options));
                 auto p = co_await a->get(page).send();
                 auto r = co_await a->get(resource).send();
                 if (!p || !r || p->status != 200 || r->status != 200) ++failures;
                 cookies += static_cast<std::int64_t>(a->cookies().size());
                 cached += static_cast<std::int64_t>(a->cache().size());
                 a->close_idle();
                 agents[static_cast<std::size_t>(i)] = std::move(a);
               },
               {.count = count, .parallelism = 50});
  rt.run(users.process(context(), [](std::exception_ptr) { std::abort(); }));
  double const after = resident_mb();
  std::printf(
      "agents held: %lld (users with a failed request or a non-200: %lld, cookies: %lld, cached responses: %lld)\n",
      static_cast<long long>(count), static_cast<long long>(failures), static_cast<long long>(cookies),
      static_cast<long long>(cached));
  std::printf("resident memory: %.1f MB before, %.1f MB after: %.1f MB for the agents, %.2f KB per agent\n", before,
              after, after - before, (after - before) * 1000.0 / static_cast<double>(count));
  std::printf("isucandar, same job (from issue 3): about 73 MB, 6.7 KB per agent; ratio candar/isucandar %.2f\n",
              (after - before) / 73.0);
  return failures == 0 ? 0 : 1;
}
