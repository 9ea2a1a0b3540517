#include <atomic>
#include <chrono>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"
#include "candar/failure/codes.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/runtime/process_usage.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/arrival_rate.hpp"
#include "candar/worker/worker.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "load_flags.hpp"

namespace candar::cli {

namespace {
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

std::string ms(std::chrono::microseconds us) {
  return fmt::format("{:.2f}ms", static_cast<double>(us.count()) / 1000.0);
}

// What an open-model run adds to the figures.
struct open_figures {
  std::int64_t scheduled = 0, started = 0, dropped = 0, users = 0;
  histogram from_due;    // each request's time from when it was due to its end, answered or not
  histogram from_start;  // the same requests from when they went out
};

// Agents are reused from one iteration to the next, like wrk's connections: each loop keeps its own free list
// (agents are bound to their loop), touched only from that loop.
struct agent_shelf {
  std::vector<std::unique_ptr<agent>> free;
  // With --streams, the loop's agents each carry several requests at once, taken in turn.
  std::vector<std::unique_ptr<agent>> shared;
  std::size_t next = 0;
};

}  // namespace

int load_command(std::vector<std::string> const& args) {
  std::optional<load_settings> read;
  try {
    read = read_load_flags(args);
  } catch (usage_error const& e) {
    std::cerr << "candar load: " << e.what() << " (see candar load --help)\n";
    return 2;
  }
  if (!read) return 0;  // --help
  auto const& s = *read;

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
  if (s.http2) options.http2 = http2_use::always;
  // Like wrk, every request goes to the server: a cache would turn the load into revalidations and hits.
  options.cache = false;

  if (s.open) {
    std::cout << fmt::format(
        "Running {}s load @ {}\n  open model: {}, {} users at the start, up to {}, {} threads, keep-alive {}\n",
        s.duration_s, s.url, describe(*s.open), s.open->pre_allocated_users, s.open->max_users, rt.size(),
        s.keep_alive ? "on" : "off");
  } else {
    std::cout << fmt::format("Running {}s load @ {}\n  {} connections, {} threads, keep-alive {}{}\n", s.duration_s,
                             s.url, s.connections, rt.size(), s.keep_alive ? "on" : "off",
                             s.http2 ? fmt::format(", HTTP/2, {} streams each", s.streams) : "");
  }

  // One GET, recorded unless it completed after the end (as wrk drops those).
  std::atomic<std::uint64_t> over_h2{0};
  auto const get_once = [&](context const& ctx, agent& a) -> asio::awaitable<void> {
    auto res = co_await a.get(target).send();
    if (ctx.done()) co_return;
    if (res && res->protocol == http_protocol::h2) over_h2.fetch_add(1, std::memory_order_relaxed);
    if (res) {
      metrics.record("GET", res->status, res->time.total, res->body.size());
    } else {
      metrics.record_error("GET", res.error().inner_code());
    }
  };

  auto const cpu_before = process_cpu_seconds();
  auto const started = clock_type::now();
  // Closed: the duration ends the load, and requests in flight then are dropped (wrk). Open: the schedule ends
  // it, and a request due in it is waited for (bounded by its timeout), so that every due request is counted.
  auto const tail = s.open ? s.timeout_s + std::chrono::duration<double>(s.open->max_delay).count() + 1 : 0.0;
  context ctx = context().with_timeout(rt.executor(0), seconds_of(s.duration_s + tail));
  // get_once answers every request with a figure: anything escaping it is a bug of ours, reported (exit 3)
  // once the load has ended.
  std::mutex escaped_mutex;
  std::exception_ptr escaped;
  auto const keep_first = [&](std::exception_ptr e) {
    std::lock_guard lock(escaped_mutex);
    if (!escaped) escaped = e;
  };
  std::optional<open_figures> open;
  if (s.open) {
    // A user is an agent of its own, always on the same loop: its slot is touched from that loop only.
    std::vector<std::unique_ptr<agent>> agents(static_cast<std::size_t>(s.open->max_users));
    arrival_rate rate(
        rt,
        [&](context const& c, arrival const& due) -> asio::awaitable<void> {
          auto& a = agents[static_cast<std::size_t>(due.user)];
          if (!a) a = std::make_unique<agent>(runtime::current_executor(), options);
          co_await get_once(c, *a);
        },
        *s.open);
    rt.run(rate.process(ctx, keep_first));
    open = open_figures{rate.scheduled(), rate.started(),          rate.dropped(),
                        rate.users(),     rate.latency_from_due(), rate.latency_from_start()};
    rt.stop();  // the agents go before their loops' executors
  } else {
    worker users(rt,
                 [&](context const& c, std::int64_t) -> asio::awaitable<void> {
                   auto const loop = runtime::current_loop().value_or(0);
                   auto& shelf = shelves[loop];
                   if (s.streams > 1) {
                     auto const per_loop = (static_cast<std::size_t>(s.connections) + rt.size() - 1) / rt.size();
                     if (shelf.shared.size() < per_loop)
                       shelf.shared.push_back(std::make_unique<agent>(rt.executor(loop), options));
                     co_await get_once(c, *shelf.shared[shelf.next++ % shelf.shared.size()]);
                     co_return;
                   }
                   std::unique_ptr<agent> a;
                   if (shelf.free.empty()) {
                     a = std::make_unique<agent>(rt.executor(loop), options);
                   } else {
                     a = std::move(shelf.free.back());
                     shelf.free.pop_back();
                   }
                   co_await get_once(c, *a);
                   if (!c.done()) shelf.free.push_back(std::move(a));
                 },
                 {.parallelism = s.connections * s.streams});
    rt.run(users.process(ctx, keep_first));
  }
  auto const elapsed = std::chrono::duration<double>(std::min(clock_type::now(), *ctx.deadline()) - started).count();
  auto const cpu = process_cpu_seconds() - cpu_before;
  rt.stop();
  if (escaped) std::rethrow_exception(escaped);

  auto const total = metrics.total();
  std::uint64_t errors = 0;
  for (auto const& [code, n] : total.errors_by_code) errors += n;
  double const rps = static_cast<double>(total.requests) / elapsed;
  double const per_cpu = cpu > 0 ? static_cast<double>(total.requests) / cpu : 0;

  std::cout << fmt::format("Requests:  {} in {:.2f}s, {:.1f} req/s\n", total.requests, elapsed, rps);
  std::string statuses;
  for (auto const& [status, n] : total.by_status)
    statuses += fmt::format("{}{}: {}", statuses.empty() ? "" : ", ", status, n);
  std::cout << "Status:    " << (statuses.empty() ? "none" : statuses) << '\n';
  std::string codes_line;
  for (auto const& [code, n] : total.errors_by_code)
    codes_line += fmt::format("{}{}: {}", codes_line.empty() ? "" : ", ", code, n);
  std::cout << "Errors:    " << (codes_line.empty() ? "none" : codes_line) << '\n';
  auto const& h = total.latency;
  std::cout << fmt::format("Latency:   p50 {}  p90 {}  p99 {}  max {}  mean {}{}\n", ms(h.percentile(50)),
                           ms(h.percentile(90)), ms(h.percentile(99)), ms(h.max()), ms(h.mean()),
                           open ? "  (answered requests, from when each went out)" : "");
  if (open) {
    // Both over every request that ended within the run, answered or not, so that the two compare.
    auto const& d = open->from_due;
    auto const& f = open->from_start;
    std::cout << fmt::format("  every request, from when it was due:  p50 {}  p90 {}  p99 {}  max {}\n",
                             ms(d.percentile(50)), ms(d.percentile(90)), ms(d.percentile(99)), ms(d.max()));
    std::cout << fmt::format("  every request, from when it went out: p50 {}  p90 {}  p99 {}  max {}\n",
                             ms(f.percentile(50)), ms(f.percentile(90)), ms(f.percentile(99)), ms(f.max()));
    std::cout << fmt::format(
        "Rate:      {} due, {} started ({:.1f}/s over the {:g}s schedule), {} dropped, {} users made\n",
        open->scheduled, open->started, static_cast<double>(open->started) / s.duration_s, s.duration_s, open->dropped,
        open->users);
    if (open->dropped > 0) {
      std::cout << fmt::format(
          "Dropped:   {} requests were not sent: no user was free when they were due{} (raise --max-users, now {}, or "
          "lower "
          "the rate){}\n",
          open->dropped, s.open->max_delay > clock_type::duration::zero() ? " or within --max-delay" : "",
          s.open->max_users, open->dropped * 10 > open->scheduled ? "; the server did not keep up with the rate" : "");
    }
  }
  std::cout << fmt::format("Protocol:  HTTP/2 for {} of {} responses\n", over_h2.load(), total.requests);
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
                     {"http2", s.http2},
                     {"streams", s.streams},
                     {"h2_responses", over_h2.load()},
                     {"duration_s", elapsed},
                     {"requests", total.requests},
                     {"requests_per_second", rps},
                     {"status", status_json},
                     {"errors", total.errors_by_code},
                     {"latency_us",
                      {{"p50", h.percentile(50).count()},
                       {"p90", h.percentile(90).count()},
                       {"p99", h.percentile(99).count()},
                       {"max", h.max().count()},
                       {"mean", h.mean().count()}}},
                     {"body_bytes", total.bytes},
                     {"cpu_seconds", cpu},
                     {"requests_per_cpu_second", per_cpu}};
    if (open) {
      auto const& d = open->from_due;
      j["rate"] = {{"model", "open"},
                   {"due", open->scheduled},
                   {"started", open->started},
                   {"dropped_iterations", open->dropped},
                   {"users", open->users},
                   {"max_users", s.open->max_users},
                   {"max_delay_s", std::chrono::duration<double>(s.open->max_delay).count()}};
      j["latency_from_due_us"] = {{"p50", d.percentile(50).count()},
                                  {"p90", d.percentile(90).count()},
                                  {"p99", d.percentile(99).count()},
                                  {"max", d.max().count()},
                                  {"mean", d.mean().count()}};
      auto const& f = open->from_start;
      j["latency_from_start_us"] = {{"p50", f.percentile(50).count()},
                                    {"p90", f.percentile(90).count()},
                                    {"p99", f.percentile(99).count()},
                                    {"max", f.max().count()},
                                    {"mean", f.mean().count()}};
    }
    std::ofstream out(*s.json_file);
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
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
