// consumer-locust: a Locust worker as an author writes it on the installed candar (COMPONENTS locust). With no
// master listening it ends by itself after master_timeout, saying so: exit 0 when it said "unreachable".
#include <chrono>
#include <cstdio>

#include <candar/candar.hpp>
#include <candar/locust/worker.hpp>

int main() {
  candar::runtime rt(1);
  candar::locust::worker_config config;
  config.master_port = 1;  // nothing listens there
  config.master_timeout = std::chrono::milliseconds(200);
  config.default_flow = [](candar::context const&, candar::locust::request_stats&) -> candar::awaitable<void> {
    co_return;
  };
  auto const summary = candar::locust::run_worker(rt, candar::context::background(), config);
  std::puts(summary.reason.c_str());
  return summary.end == candar::locust::worker_end::master_unreachable ? 0 : 1;
}
