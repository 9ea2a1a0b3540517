// candar-demo: a framework demo until the sample contest exists. It runs a real benchmark: a Prepare step, a
// Load phase with a worker whose iterations do timed work and score, a load adjustor raising its parallelism,
// and a Validate step; then it prints the score, its breakdown and the worker's counters.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/benchmark/benchmark.hpp"
#include "candar/context/parallel.hpp"
#include "candar/context/spawn.hpp"
#include "candar/load/adjustor.hpp"
#include "candar/worker/worker.hpp"

namespace asio = boost::asio;
using namespace candar;
using namespace std::chrono_literals;

namespace {

struct options {
  int duration_s = 10;
  int threads = 0;  // 0: one loop per hardware thread
};

bool parse_int(std::string_view text, int& out) {
  auto const* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

int usage(std::string_view problem) {
  if (!problem.empty()) std::cerr << "candar-demo: " << problem << " (see --help)\n";
  return 2;
}

// One "request": some work on the CPU, then a wait, as a response time would be.
asio::awaitable<void> one_request(context const& ctx, step& s, std::int64_t request, std::int64_t& checksum) {
  for (int i = 0; i < 2000; ++i) checksum = checksum * 31 + i;
  if (co_await sleep(ctx, 2ms)) s.add_score(request % 10 == 9 ? "rare" : "common");
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: candar-demo [--duration SECONDS] [--threads N]\n"
                   "Runs a framework demo benchmark (prepare, load with a rising parallelism, validate)\n"
                   "and prints its score.\n";
      return 0;
    }
    int value = 0;
    if ((arg == "--duration" || arg == "--threads") && i + 1 < argc) {
      if (!parse_int(argv[++i], value) || value < (arg == "--threads" ? 0 : 1)) {
        return usage(fmt::format("{} needs a whole number{}", arg, arg == "--threads" ? "" : " of at least 1"));
      }
      (arg == "--duration" ? opt.duration_s : opt.threads) = value;
      continue;
    }
    return usage(fmt::format("unknown argument '{}'", arg));
  }

  runtime rt(static_cast<std::size_t>(opt.threads));
  // Contestant lines to stdout; the admin's JSON lines are not for this demo's reader.
  logs log(logs::to_stream(std::cout), logs::discard());
  benchmark b({.prepare_timeout = 5s, .load_timeout = std::chrono::seconds(opt.duration_s), .validate_timeout = 5s});
  b.result().score().set_weight("common", 1).set_weight("rare", 10).set_deduction("timeout", 5);

  b.add({.name = "demo",
         .prepare = [&](step&) -> asio::awaitable<void> {
           log.contestant(fmt::format("prepare: {} event loop(s)", rt.size()));
           co_return;
         },
         .load = [&](step& s) -> asio::awaitable<void> {
           worker users(s.runtime(),
                        [&s](context const& ctx, std::int64_t) -> asio::awaitable<void> {
                          std::int64_t checksum = 1;
                          for (std::int64_t r = 0; r < 10; ++r) co_await one_request(ctx, s, r, checksum);
                        },
                        {.parallelism = 4});
           load_adjustor adjust({.successes_to_raise = 10, .raise_by = 4, .max_level = 64}, {&users}, log, 4);
           context load = s.context().with_cancel();
           co_await together([&] { return users.process(s, load); },
                             [&] { return adjust.run(load, 1s, s.result().score(), s.result().errors()); });
           log.contestant(fmt::format("load: {} iterations started, {} finished, parallelism {}", users.started(),
                                      users.finished(), users.parallelism()));
         },
         .validate = [&](step& s) -> asio::awaitable<void> {
           if (s.result().score().count("common") == 0) s.add_error(error("validation", "nothing was scored"));
           co_return;
         }});

  try {
    auto const& r = b.run(rt);
    auto const& errors = r.errors();
    std::cout << "breakdown:\n";
    for (auto const& [tag, n] : r.score().breakdown())
      std::cout << fmt::format("  {:<8} {:>9} x {}\n", tag, n, r.score().weight(tag));
    std::cout << fmt::format("errors: {}\n", errors.count());
    std::cout << fmt::format("score: {}\n", r.score().total(errors));
    return r.prepare_failed() || errors.count() > 0 ? 1 : 0;
  } catch (std::exception const& e) {
    std::cerr << "candar-demo: internal error: " << e.what() << '\n';
    return 3;
  }
}
