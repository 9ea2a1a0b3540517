#include "load_flags.hpp"

#include <charconv>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "command_line.hpp"

namespace candar::cli {

namespace {

constexpr char const* help =
    "usage: candar load URL [--connections N] [--duration SECONDS] [--threads T] [--timeout SECONDS]\n"
    "                       [--no-keepalive] [--http2 [--streams M]] [--json FILE]\n"
    "                       [--rate R | --stages R:SECONDS,...] [--max-users M] [--max-delay SECONDS]\n"
    "A closed loop like wrk's, through browser-like agents: N virtual users each send a GET, wait for the\n"
    "response, and send the next. Cookies are kept; the HTTP cache is off, so every request reaches the server.\n"
    "With --rate or --stages, an open model instead (wrk2's -R, k6's arrival-rate executors): requests start at\n"
    "the rate whether or not earlier ones were answered, and latency is also measured from when each was due.\n"
    "  --connections  virtual users at once (default 50); with a rate, the users made at the start\n"
    "  --duration     how long to load (default 10 s); requests still in flight then are dropped\n"
    "  --threads      event loops (default: one per hardware thread)\n"
    "  --timeout      each request's deadline (default 1 s)\n"
    "  --no-keepalive a new connection per request, 'Connection: close'\n"
    "  --http2        HTTP/2 on http:// too, with prior knowledge (h2c); https:// offers it in ALPN anyway\n"
    "  --streams M    with --http2, M requests at once on each connection (h2load's -m; default 1)\n"
    "  --json FILE    also write the figures as JSON\n"
    "  --rate R       R requests per second for --duration; with --stages, the rate the first stage starts from\n"
    "  --stages R:S,. the rate moves linearly to R over S seconds, stage after stage (the duration is their sum)\n"
    "  --max-users M  users made when none is free, up to M in all (default: --connections)\n"
    "  --max-delay S  a request due when no user is free waits up to S for one and starts late (default 0:\n"
    "                 dropped at once, and counted)\n"
    "Exit: 0 the load ran, 1 no response came at all, 2 bad usage.\n";

// "100:10,500:30" as stages of target rate and seconds.
std::vector<rate_stage> parse_stages(std::string const& text) {
  std::vector<rate_stage> stages;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto const comma = std::min(text.find(',', from), text.size());
    auto const item = text.substr(from, comma - from);
    auto const colon = item.find(':');
    double rate = 0, seconds = 0;
    auto const number = [](std::string_view v, double& out) {
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      return ec == std::errc() && ptr == v.data() + v.size() && std::isfinite(out);
    };
    if (colon == std::string::npos || !number(std::string_view(item).substr(0, colon), rate) ||
        !number(std::string_view(item).substr(colon + 1), seconds) || rate < 0 || rate > 10'000'000 || seconds <= 0 ||
        seconds > 86400) {
      throw usage_error("--stages takes RATE:SECONDS,... (a rate of 0 or more, seconds above 0), got '" + item + "'");
    }
    stages.push_back({rate, seconds_of(seconds)});
    from = comma + 1;
  }
  return stages;
}

}  // namespace

std::chrono::steady_clock::duration seconds_of(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

std::string describe(arrival_rate_options const& o) {
  if (o.stages.size() == 1 && o.stages[0].target == o.start_rate) return fmt::format("{:g} requests/s", o.start_rate);
  std::string text = fmt::format("from {:g}/s", o.start_rate);
  for (auto const& st : o.stages)
    text += fmt::format(", to {:g}/s over {:g}s", st.target, std::chrono::duration<double>(st.duration).count());
  return text;
}

std::optional<load_settings> read_load_flags(std::vector<std::string> const& args) {
  load_settings s;
  command_line cl({.flags = {"help", "no-keepalive", "http2"},
                   .options = {"streams", "connections", "duration", "threads", "timeout", "json", "rate", "stages",
                               "max-users", "max-delay"}},
                  args);
  if (cl.flag("help")) {
    std::cout << help;
    return std::nullopt;
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
  s.http2 = cl.flag("http2");
  s.streams = cl.integer("streams", 1, 1, 1000);
  if (s.streams > 1 && !s.http2) throw usage_error("--streams goes with --http2");
  if (s.http2 && !s.keep_alive) throw usage_error("--http2 keeps its connection: leave out --no-keepalive");
  if (s.streams > 1 && (cl.value("rate") || cl.value("stages")))
    throw usage_error("--streams goes with the closed loop, not --rate or --stages");
  if (cl.value("rate") || cl.value("stages")) {
    arrival_rate_options o;
    if (auto const stages = cl.value("stages")) {
      if (cl.value("duration")) throw usage_error("--stages sets the duration (their sum): leave out --duration");
      o.start_rate = cl.rate("rate", 0, 0);
      o.stages = parse_stages(*stages);
      double total = 0;
      for (auto const& st : o.stages) total += std::chrono::duration<double>(st.duration).count();
      s.duration_s = total;
    } else {
      o.start_rate = cl.rate("rate", 0, 1e-6);
      o.stages = {{o.start_rate, seconds_of(s.duration_s)}};
    }
    o.pre_allocated_users = s.connections;
    o.max_users = cl.integer("max-users", s.connections, s.connections, 1'000'000);
    o.max_delay = seconds_of(cl.seconds("max-delay", 0, true));
    s.open = o;
  } else if (cl.value("max-users") || cl.value("max-delay")) {
    throw usage_error("--max-users and --max-delay go with --rate or --stages");
  }
  return s;
}

}  // namespace candar::cli
