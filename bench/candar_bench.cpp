// Micro-benchmarks of the framework's hot paths, each beside a peer that does the same job the way Go's
// isucandar does it (a task spawned per iteration; every score add through one shared, locked collector).
// Prints Google Benchmark's table, then one ratio line per pair. No thresholds: these are figures to read.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "candar/detail/async_signal.hpp"
#include "candar/failure/error_collection.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/score/score.hpp"
#include "candar/worker/worker.hpp"

namespace asio = boost::asio;
using namespace candar;

namespace {

constexpr std::int64_t iterations_per_run = 200'000;

// Empty scenario iterations through the worker, on `threads` loops.
void worker_empty_iterations(benchmark::State& state) {
  auto const threads = static_cast<std::size_t>(state.range(0));
  runtime rt(threads);
  for (auto _ : state) {
    worker w(rt, [](context const&, std::int64_t) -> asio::awaitable<void> { co_return; },
             {.count = iterations_per_run, .parallelism = 64});
    rt.run(w.process(context(), [](std::exception_ptr) { std::abort(); }));
  }
  state.SetItemsProcessed(state.iterations() * iterations_per_run);
  state.counters["per_thread"] =
      benchmark::Counter(static_cast<double>(state.iterations() * iterations_per_run) / static_cast<double>(threads),
                         benchmark::Counter::kIsRate);
}

// The peer: one spawned coroutine per iteration (isucandar starts a goroutine per iteration).
asio::awaitable<void> spawn_each(runtime& rt, std::int64_t count) {
  detail::async_signal all_done(co_await asio::this_coro::executor);
  auto left = std::make_shared<std::atomic<std::int64_t>>(count);
  for (std::int64_t i = 0; i < count; ++i) {
    asio::co_spawn(
        rt.next_executor(), []() -> asio::awaitable<void> { co_return; },
        [left, all_done](std::exception_ptr) mutable {
          if (left->fetch_sub(1) == 1) all_done.notify();
        });
  }
  std::function<bool()> finished = [left] { return left->load() == 0; };
  co_await all_done.wait_until(std::move(finished));
}

void spawn_per_iteration(benchmark::State& state) {
  auto const threads = static_cast<std::size_t>(state.range(0));
  runtime rt(threads);
  for (auto _ : state) rt.run(spawn_each(rt, iterations_per_run));
  state.SetItemsProcessed(state.iterations() * iterations_per_run);
}

char const* const tags[] = {"GET /", "POST /api/login", "GET /api/home", "POST /api/gacha"};

score shared_score;
void score_add(benchmark::State& state) {
  std::size_t i = static_cast<std::size_t>(state.thread_index());
  for (auto _ : state) shared_score.add(tags[i++ % 4]);
  state.SetItemsProcessed(state.iterations());
}

// The peer: every add goes to one collector under one lock, as a channel with one reader is.
std::mutex locked_mutex;
std::unordered_map<std::string, std::int64_t> locked_counts;
void locked_map_add(benchmark::State& state) {
  std::size_t i = static_cast<std::size_t>(state.thread_index());
  for (auto _ : state) {
    std::lock_guard lock(locked_mutex);
    ++locked_counts[tags[i++ % 4]];
  }
  state.SetItemsProcessed(state.iterations());
}

error_collection shared_errors;
void error_add(benchmark::State& state) {
  for (auto _ : state) shared_errors.add(error("timeout", "request timed out").wrap("login"));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(worker_empty_iterations)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(spawn_per_iteration)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(score_add)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(locked_map_add)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(error_add)->Threads(1)->Threads(2)->UseRealTime();

// Keeps items/s per run name, to print the ratios after the table.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(std::vector<Run> const& runs) override {
    for (auto const& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) rates_[r.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void print_ratio(std::string const& ours, std::string const& peer) const {
    auto a = rates_.find(ours);
    auto b = rates_.find(peer);
    if (a == rates_.end() || b == rates_.end() || b->second == 0) return;
    std::printf("%-45s %12.0f/s  vs %-42s %12.0f/s  ratio %.2fx\n", ours.c_str(), a->second, peer.c_str(), b->second,
                a->second / b->second);
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nratios (ours vs the peer doing the same job isucandar's way):\n");
  for (char const* t : {"1", "2"}) {
    reporter.print_ratio(std::string("worker_empty_iterations/") + t + "/real_time",
                         std::string("spawn_per_iteration/") + t + "/real_time");
    reporter.print_ratio(std::string("score_add/real_time/threads:") + t,
                         std::string("locked_map_add/real_time/threads:") + t);
  }
  benchmark::Shutdown();
  return 0;
}
