// Micro-benchmarks of the framework's hot paths, each beside a peer that does the same job the way Go's
// isucandar does it (a task spawned per iteration; every score add through one shared, locked collector), and
// the agent's gzip decoding (libdeflate) beside zlib's stream on the same deflate data.
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

#include <zlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "candar/detail/async_signal.hpp"
#include "candar/failure/error_collection.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/score/score.hpp"
#include "candar/worker/worker.hpp"
#include "decompress.hpp"

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

// A page of `size` bytes that compresses as HTML and JSON do (about 4:1), deflated at zlib's default level in
// `window_bits`' wrapper (31: gzip, 15: zlib).
std::string compressed_page(std::size_t size, int window_bits) {
  static char const* const words[] = {"<div class=\"chair\">", "price", "</div>\n", "{\"id\":", "\"name\":\"", "seat "};
  std::string page;
  std::uint32_t state = 1;
  while (page.size() < size) {
    state = state * 1664525U + 1013904223U;  // a fixed sequence: the same page every run
    page += words[(state >> 16U) % std::size(words)];
    page += std::to_string((state >> 8U) % 1000);
  }
  page.resize(size);
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, page.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(page.data());
  z.avail_in = static_cast<uInt>(page.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// decode_content on a gzip body (libdeflate's one call) and on the same deflate data zlib-wrapped ("deflate",
// zlib's stream): only the wrapper's checksum differs (CRC-32 against Adler-32).
void decode(benchmark::State& state, char const* coding, int window_bits) {
  auto const size = static_cast<std::size_t>(state.range(0));
  auto const body = compressed_page(size, window_bits);
  for (auto _ : state) {
    auto decoded = decode_content(coding, body, 64 << 20);
    if (!decoded || decoded->size() != size) std::abort();
    benchmark::DoNotOptimize(decoded->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
void gunzip_libdeflate(benchmark::State& state) { decode(state, "gzip", 31); }
void inflate_zlib_stream(benchmark::State& state) { decode(state, "deflate", 15); }
BENCHMARK(gunzip_libdeflate)->Arg(2'000)->Arg(20'000)->Arg(200'000)->Arg(2'000'000);
BENCHMARK(inflate_zlib_stream)->Arg(2'000)->Arg(20'000)->Arg(200'000)->Arg(2'000'000);

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
  std::printf("gzip bodies decoded, libdeflate's one call vs zlib's stream:\n");
  for (char const* size : {"2000", "20000", "200000", "2000000"}) {
    reporter.print_ratio(std::string("gunzip_libdeflate/") + size, std::string("inflate_zlib_stream/") + size);
  }
  benchmark::Shutdown();
  return 0;
}
