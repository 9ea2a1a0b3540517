#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"
#include "candar/failure/codes.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/worker.hpp"
#include "command_line.hpp"
#include "commands.hpp"

namespace candar::cli {

namespace {
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr char const* help =
    "usage: candar load URL [--connections N] [--duration SECONDS] [--threads T] [--timeout SECONDS]\n"
    "                       [--no-keepalive] [--json FILE]\n"
    "A closed loop like wrk's, through browser-like agents: N virtual users each send a GET, wait for the\n"
    "response, and send the next. Cookies are kept; the HTTP cache is off, so every request reaches the server.\n"
    "  --connections  virtual users at once (default 50)\n"
    "  --duration     how long to load (default 10 s); requests still in flight then are dropped\n"
    "  --threads      event loops (default: one per hardware thread)\n"
    "  --timeout      each request's deadline (default 1 s)\n"
    "  --no-keepalive a new connection per request, 'Connection: close'\n"
    "  --json FILE    also write the figures as JSON\n"
    "Exit: 0 the load ran, 1 no response came at all, 2 bad usage.\n";

struct settings {
  std::string url;
  std::int64_t connections = 50;
  double duration_s = 10;
  std::size_t threads = 0;
  double timeout_s = 1;
  bool keep_alive = true;
  std::optional<std::string> json_file;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto const tv = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

clock_type::duration seconds_of(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

std::string ms(std::chrono::microseconds us) { return fmt::format("{:.2f}ms", static_cast<double>(us.count()) / 1000.0); }

// Agents are reused from one iteration to the next, like wrk's connections: each loop keeps its own free list
// (agents are bound to their loop), touched only from that loop.
struct agent_shelf {
  std::vector<std::unique_ptr<agent>> free;
};

}  // namespace

int load_command(std::vector<std::string> const& args) {
  settings s;
  try {
    command_line cl({.flags = {"help", "no-keepalive"}, .options = {"connections", "duration", "threads", "timeout", "json"}}, args);
    if (cl.flag("help")) {
      std::cout << help;
      return 0;
    }
    if (cl.positionals().size() != 1) throw usage_error("load needs exactly one URL");
    s.url = cl.positionals()[0];
    require_http_url(s.url);
    s.connections = cl.integer("connections", 50, 1, 100'000);
    s.duration_s = cl.seconds("duration", 10);
    s.threads = static_cast<std::size_t>(cl.integer("threads", 0, 0, 1024));
    s.timeout_s = cl.seconds("timeout", 1);
    s.keep_alive = !cl.flag("no-keepalive");
    s.json_file = cl.value("json");
  } catch (usage_error const& e) {
    std::cerr << "candar load: " << e.what() << " (see candar load --help)\n";
    return 2;
  }

  runtime rt(s.threads);
  endpoint_metrics metrics;
  std::vector<agent_shelf> shelves(rt.size());
  agent_options options;
  // The agents' base is the URL's origin and each request names the rest, as a scenario does: a short target
  // is kept inline by std::string, the whole URL would be an allocation per request.
  auto const parsed = boost::urls::parse_uri(s.url);  // checked by require_http_url
  options.base_url = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_authority());
  std::string target(parsed->encoded_resource());
  if (!target.starts_with('/')) target = "/" + target;
  options.timeout = seconds_of(s.timeout_s);
  options.keep_alive = s.keep_alive;
  // Like wrk, every request goes to the server: a cache would turn the load into revalidations and hits.
  options.cache = false;

  std::cout << fmt::format("Running {}s load @ {}\n  {} connections, {} threads, keep-alive {}\n", s.duration_s, s.url,
                           s.connections, rt.size(), s.keep_alive ? "on" : "off");

  worker users(
      rt,
      [&](context const& ctx, std::int64_t) -> asio::awaitable<void> {
        auto const loop = runtime::current_loop().value_or(0);
        auto& shelf = shelves[loop];
        std::unique_ptr<agent> a;
        if (shelf.free.empty()) {
          a = std::make_unique<agent>(rt.executor(loop), options);
        } else {
          a = std::move(shelf.free.back());
          shelf.free.pop_back();
        }
        auto res = co_await a->get(target).send();
        if (ctx.done()) co_return;  // completed after the end: not counted, as wrk drops it
        if (res) {
          metrics.record("GET", res->status, res->time.total, res->body.size());
        } else {
          metrics.record_error("GET", res.error().inner_code());
        }
        shelf.free.push_back(std::move(a));
      },
      {.parallelism = s.connections});

  auto const cpu_before = cpu_seconds();
  auto const started = clock_type::now();
  context ctx = context().with_timeout(rt.executor(0), seconds_of(s.duration_s));
  rt.run(users.process(ctx));
  auto const elapsed = std::chrono::duration<double>(std::min(clock_type::now(), *ctx.deadline()) - started).count();
  auto const cpu = cpu_seconds() - cpu_before;
  rt.stop();

  auto const total = metrics.total();
  std::uint64_t errors = 0;
  for (auto const& [code, n] : total.errors_by_code) errors += n;
  double const rps = static_cast<double>(total.requests) / elapsed;
  double const per_cpu = cpu > 0 ? static_cast<double>(total.requests) / cpu : 0;

  std::cout << fmt::format("Requests:  {} in {:.2f}s, {:.1f} req/s\n", total.requests, elapsed, rps);
  std::string statuses;
  for (auto const& [status, n] : total.by_status) statuses += fmt::format("{}{}: {}", statuses.empty() ? "" : ", ", status, n);
  std::cout << "Status:    " << (statuses.empty() ? "none" : statuses) << '\n';
  std::string codes_line;
  for (auto const& [code, n] : total.errors_by_code) codes_line += fmt::format("{}{}: {}", codes_line.empty() ? "" : ", ", code, n);
  std::cout << "Errors:    " << (codes_line.empty() ? "none" : codes_line) << '\n';
  auto const& h = total.latency;
  std::cout << fmt::format("Latency:   p50 {}  p90 {}  p99 {}  max {}  mean {}\n", ms(h.percentile(50)), ms(h.percentile(90)),
                           ms(h.percentile(99)), ms(h.max()), ms(h.mean()));
  std::cout << fmt::format("Transfer:  {:.1f} MB of bodies\n", static_cast<double>(total.bytes) / 1e6);
  std::cout << fmt::format("CPU:       {:.2f} s, {:.0f} requests per CPU-second, {:.3f} CPU-s per 100k requests\n", cpu,
                           per_cpu, total.requests > 0 ? cpu / static_cast<double>(total.requests) * 1e5 : 0.0);

  if (s.json_file) {
    nlohmann::json status_json = nlohmann::json::object();
    for (auto const& [status, n] : total.by_status) status_json[std::to_string(status)] = n;
    nlohmann::json j{{"url", s.url},
                     {"connections", s.connections},
                     {"threads", rt.size()},
                     {"keep_alive", s.keep_alive},
                     {"duration_s", elapsed},
                     {"requests", total.requests},
                     {"requests_per_second", rps},
                     {"status", status_json},
                     {"errors", total.errors_by_code},
                     {"latency_us",
                      {{"p50", h.percentile(50).count()}, {"p90", h.percentile(90).count()}, {"p99", h.percentile(99).count()},
                       {"max", h.max().count()}, {"mean", h.mean().count()}}},
                     {"body_bytes", total.bytes},
                     {"cpu_seconds", cpu},
                     {"requests_per_cpu_second", per_cpu}};
    std::ofstream out(*s.json_file);
    out << j.dump(2) << '\n';
    if (!out) {
      std::cerr << "candar load: cannot write " << *s.json_file << '\n';
      return 1;
    }
  }
  if (total.requests == 0) {
    std::cerr << "candar load: no response from " << s.url << (errors > 0 ? " (see Errors above)" : "") << '\n';
    return 1;
  }
  return 0;
}

}  // namespace candar::cli
