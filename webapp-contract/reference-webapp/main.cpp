// isuchair-webapp: the reference webapp of the isuchair sample contest.
#include <charconv>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "access_log.hpp"
#include "app.hpp"
#include "database.hpp"
#include "http_server.hpp"

namespace {

constexpr char const* help =
    "usage: isuchair-webapp --listen ADDRESS:PORT --db FILE [--tuned] [--threads N] [--fault NAME]... [--slow-ms MS]\n"
    "                       [--faults-after N] [--access-log FILE]\n"
    "The isuchair reference webapp. It loads the initial data on POST /initialize, and at start when --db is new\n"
    "(a restart goes on with what --db holds).\n"
    "  --listen   where to listen, e.g. 127.0.0.1:8080 (port 0: any free port, printed at start)\n"
    "  --db       the SQLite database file (created if missing, rewritten by /initialize)\n"
    "  --tuned    the tuned versions of the slow places (indexes, one join, no recounting)\n"
    "  --threads  server threads (default 2)\n"
    "  --faults-after  the faults start after N requests (default 0: at once), as a bug that shows under load\n"
    "  --access-log    a line per request there: method, target, status and the traceparent's trace and span ids\n"
    "  --fault    break one thing on purpose (may be repeated):\n";

int usage(std::string_view problem) {
  std::cerr << "isuchair-webapp: " << problem << " (see --help)\n";
  return 2;
}

bool parse_number(std::string_view text, long& out) {
  auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace isuchair::webapp;
  std::string listen;
  std::string db_path;
  std::string access_log_path;
  app_options options;
  long threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    auto value = [&]() -> std::string_view { return i + 1 < argc ? std::string_view(argv[++i]) : std::string_view(); };
    if (arg == "--help" || arg == "-h") {
      std::cout << help;
      for (auto const& [name, what] : known_faults()) std::cout << fmt::format("     {:<17} {}\n", name, what);
      return 0;
    }
    if (arg == "--tuned") {
      options.tuned = true;
    } else if (arg == "--listen") {
      listen = value();
    } else if (arg == "--access-log") {
      access_log_path = value();
      if (access_log_path.empty()) return usage("--access-log needs a file");
    } else if (arg == "--db") {
      db_path = value();
    } else if (arg == "--threads") {
      if (!parse_number(value(), threads) || threads < 1 || threads > 256) return usage("--threads needs 1 to 256");
    } else if (arg == "--slow-ms") {
      long ms = 0;
      if (!parse_number(value(), ms) || ms < 0) return usage("--slow-ms needs a whole number of milliseconds");
      options.slow_delay = std::chrono::milliseconds(ms);
    } else if (arg == "--faults-after") {
      long n = 0;
      if (!parse_number(value(), n) || n < 0) return usage("--faults-after needs a whole number of requests");
      options.faults_after = n;
    } else if (arg == "--fault") {
      std::string const name(value());
      if (!known_faults().contains(name)) return usage(fmt::format("unknown fault '{}'", name));
      options.faults.insert(name);
    } else {
      return usage(fmt::format("unknown argument '{}'", arg));
    }
  }
  auto const colon = listen.rfind(':');
  long port = -1;
  if (colon == std::string::npos || !parse_number(std::string_view(listen).substr(colon + 1), port) || port < 0 ||
      port > 65535) {
    return usage("--listen needs ADDRESS:PORT");
  }
  if (db_path.empty()) return usage("--db needs a file");

  try {
    // memory-only: the data is read from --db at the start, and every write after stays in memory.
    bool const memory_only = options.faults.contains("memory-only");
    database db(memory_only ? std::string(":memory:") : db_path);
    if (memory_only) db.load_from(db_path);
    app game(db, options);
    std::optional<access_log> requests;
    if (!access_log_path.empty()) requests.emplace(access_log_path);
    http_server server(listen.substr(0, colon), static_cast<std::uint16_t>(port),
                       [&game, &requests](http_request const& r) {
                         auto reply = game.handle(r);
                         if (requests) requests->write(r, reply);
                         return reply;
                       });
    std::cout << fmt::format("isuchair-webapp ({}) listening on http://{}:{}/", options.tuned ? "tuned" : "naive",
                             listen.substr(0, colon), server.port())
              << std::endl;
    server.run(static_cast<std::size_t>(threads));
    return 0;
  } catch (std::exception const& e) {
    std::cerr << "isuchair-webapp: " << e.what() << '\n';
    return 1;
  }
}
