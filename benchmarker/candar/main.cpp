// candar: the browser-like agent from the command line.
//   candar fetch URL   one page load, showing what the agent sees
//   candar load URL    a closed-loop load through agents and a worker, like wrk
//   candar worker      a worker of a Locust master
//   candar new DIR     a starter contest built on the installed candar
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "candar/runtime/open_files.hpp"
#include "candar/version.hpp"
#include "commands.hpp"

namespace {
constexpr std::string_view usage =
    "usage: candar <command> [options]\n"
    "\n"
    "commands:\n"
    "  fetch URL   one request with the browser-like agent; prints status, timings and headers\n"
    "  load URL    closed-loop load through agents (like wrk); prints req/s, statuses, errors, latency\n"
    "  worker      a worker of a Locust master: --master HOST:PORT --target URL\n"
    "  new DIR     write a starter contest into DIR: a CMake project on the installed candar, one flow per phase\n"
    "\n"
    "'candar <command> --help' describes a command's options; 'candar --version' prints the version.\n";
}

int main(int argc, char** argv) {
  candar::raise_open_files_limit();  // a connection per user: Debian's soft limit of 1024 is a few hundred users
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "candar " << candar::version << '\n';
    return 0;
  }
  std::string const command = args[0];
  args.erase(args.begin());
  try {
    if (command == "fetch") return candar::cli::fetch_command(args);
    if (command == "load") return candar::cli::load_command(args);
    if (command == "worker") return candar::cli::worker_command(args);
    if (command == "new") return candar::cli::new_command(args);
  } catch (std::exception const& e) {
    std::cerr << "candar: internal error: " << e.what() << '\n';
    return 3;
  }
  std::cerr << "candar: unknown command '" << command << "' (try: candar --help)\n";
  return 2;
}
