// candar worker: a worker of a Locust master. Every user of every user class runs candar load's GET loop on
// the target URL, and the master gets the statistics in Locust's format.
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"
#include "candar/locust/worker.hpp"
#include "candar/runtime/runtime.hpp"
#include "command_line.hpp"
#include "commands.hpp"

namespace candar::cli {

namespace {
namespace asio = boost::asio;

constexpr char const* help =
    "usage: candar worker --master HOST:PORT --target URL [--threads T] [--timeout SECONDS]\n"
    "                     [--master-timeout SECONDS] [--json FILE]\n"
    "A worker of a Locust 2.x master (locust --master ...): it joins the master over ZeroMQ and runs as many\n"
    "users as the master asks for. Every user, of whatever user class, sends GET URL, waits for the answer and\n"
    "sends the next, as candar load does; the master's statistics, web UI, --csv and --html show them as they\n"
    "show its Python workers'. Responses with status 400 and above, and requests with no answer, are failures.\n"
    "  --master          the master's host and port (Locust's --master-bind-port, 5557 by default)\n"
    "  --target          the URL every user loads\n"
    "  --threads         event loops (default: one per hardware thread); the master sees one worker\n"
    "  --timeout         each request's deadline (default 10 s)\n"
    "  --master-timeout  how long to wait for a master not reached yet, or lost (default 60 s)\n"
    "  --json FILE       write what was reported to the master, and why the worker ended, as JSON\n"
    "Exit: 0 the master ended the test (or Ctrl-C), 1 the master was lost or never answered, 2 bad usage.\n";

std::string end_name(locust::worker_end e) {
  switch (e) {
    case locust::worker_end::master_quit:
      return "master_quit";
    case locust::worker_end::master_lost:
      return "master_lost";
    case locust::worker_end::master_unreachable:
      return "master_unreachable";
    case locust::worker_end::stopped:
      return "stopped";
  }
  return "unknown";
}

// A name or IPv4 address, or "[IPv6]": checked here, as ZeroMQ resolves names only when it connects and would
// retry a name with a space in it until the master timeout.
bool is_host(std::string_view h) {
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    return h.substr(1, h.size() - 2).find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
  }
  return !h.empty() && h.size() <= 253 &&
         h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") ==
             std::string_view::npos;
}

// SIGINT and SIGTERM cancel `ctx`, on a thread of their own, for as long as this lives.
class signal_watch {
 public:
  explicit signal_watch(context ctx) : signals_(io_, SIGINT, SIGTERM) {
    signals_.async_wait([ctx = std::move(ctx)](boost::system::error_code ec, int) {
      if (!ec) ctx.cancel();
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~signal_watch() {
    io_.stop();
    thread_.join();
  }
  signal_watch(signal_watch const&) = delete;
  signal_watch& operator=(signal_watch const&) = delete;

 private:
  asio::io_context io_;
  asio::signal_set signals_;
  std::thread thread_;
};

// One agent per user, kept from one iteration to the next; each loop keeps its own (agents are bound to it).
struct agent_shelf {
  std::vector<std::unique_ptr<agent>> free;
};

}  // namespace

int worker_command(std::vector<std::string> const& args) {
  locust::worker_config options;
  std::string target_url;
  std::size_t threads = 0;
  double timeout_s = 10;
  std::optional<std::string> json_file;
  try {
    command_line cl(
        {.flags = {"help"}, .options = {"master", "target", "threads", "timeout", "master-timeout", "json"}}, args);
    if (cl.flag("help")) {
      std::cout << help;
      return 0;
    }
    if (!cl.positionals().empty()) throw usage_error("worker takes no positional arguments (the URL goes in --target)");
    auto const master = cl.value("master");
    if (!master) throw usage_error("--master HOST:PORT is needed");
    auto const colon = master->rfind(':');
    if (colon == std::string::npos || colon == 0) throw usage_error("--master takes HOST:PORT, got '" + *master + "'");
    options.master_host = master->substr(0, colon);  // "[::1]" stays bracketed: ZeroMQ reads it so
    if (!is_host(options.master_host)) {
      throw usage_error("--master takes HOST:PORT with a host name, an IPv4 address or a bracketed IPv6 one, got '" +
                        *master + "'");
    }
    command_line const port_line({.options = {"port"}}, {"--port", master->substr(colon + 1)});
    options.master_port = static_cast<std::uint16_t>(port_line.integer("port", 5557, 1, 65535));
    auto const target = cl.value("target");
    if (!target) throw usage_error("--target URL is needed");
    target_url = *target;
    require_http_url(target_url);
    threads = static_cast<std::size_t>(cl.integer("threads", 0, 0, 1024));
    timeout_s = cl.seconds("timeout", 10);
    options.master_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(cl.seconds("master-timeout", 60) * 1000));
    json_file = cl.value("json");
  } catch (usage_error const& e) {
    std::cerr << "candar worker: " << e.what() << " (see candar worker --help)\n";
    return 2;
  }

  runtime rt(threads);
  agent_options agents;
  auto const parsed = boost::urls::parse_uri(target_url);  // checked by require_http_url
  agents.base_url = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_authority());
  std::string path(parsed->encoded_resource());
  if (!path.starts_with('/')) path = "/" + path;
  agents.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout_s));
  agents.cache = false;  // like candar load and Locust's HttpUser: every request reaches the server
  std::vector<agent_shelf> shelves(rt.size());

  // Locust's name for a request is its path, as FastHttpUser's client.get(path) records it.
  options.default_flow = [&](context const& ctx, locust::request_stats& stats) -> asio::awaitable<void> {
    auto& shelf = shelves[runtime::current_loop().value_or(0)];
    std::unique_ptr<agent> a;
    if (shelf.free.empty()) {
      a = std::make_unique<agent>(runtime::current_executor(), agents);
    } else {
      a = std::move(shelf.free.back());
      shelf.free.pop_back();
    }
    auto const began = std::chrono::steady_clock::now();
    auto res = co_await a->get(path).send();
    if (ctx.done()) co_return;  // stopped mid-request: not a request the server answered or failed
    if (!res) {
      stats.failure("GET", path, std::chrono::steady_clock::now() - began, res.error().inner_code());
    } else if (res->status >= 400) {
      stats.failure("GET", path, res->time.total, fmt::format("HTTP {}", res->status), res->body.size());
    } else {
      stats.success("GET", path, res->time.total, res->body.size());
    }
    shelf.free.push_back(std::move(a));
  };
  options.log = [](std::string const& line) { std::cerr << "candar worker: " << line << '\n'; };

  // Ctrl-C or SIGTERM: a clean goodbye (the last report, then "quit" to the master).
  context ctx = context::background().with_cancel();
  locust::worker_summary summary;
  {
    signal_watch signals(ctx);
    try {
      summary = locust::run_worker(rt, ctx, options);
    } catch (std::invalid_argument const& e) {
      std::cerr << "candar worker: --master: " << e.what() << " (see candar worker --help)\n";
      return 2;
    }
  }
  rt.stop();  // the agents go before their loops

  std::cout << fmt::format("candar worker {}: {} requests ({} failed) reported to the master in {} reports; {}\n",
                           summary.node_id, summary.requests, summary.failures, summary.reports, summary.reason);
  if (json_file) {
    nlohmann::json j{{"node_id", summary.node_id},
                     {"end", end_name(summary.end)},
                     {"reason", summary.reason},
                     {"requests", summary.requests},
                     {"failures", summary.failures},
                     {"reports", summary.reports},
                     {"flow_exceptions", summary.flow_exceptions},
                     {"target", target_url},
                     {"threads", rt.size()}};
    std::ofstream out(*json_file);
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out) {
      std::cerr << "candar worker: cannot write " << *json_file << '\n';
      return 1;
    }
  }
  bool const ok = summary.end == locust::worker_end::master_quit || summary.end == locust::worker_end::stopped;
  return ok ? 0 : 1;
}

}  // namespace candar::cli
