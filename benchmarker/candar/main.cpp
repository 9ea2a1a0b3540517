// candar: the browser-like agent from the command line.
//   candar fetch URL   one page load, showing what the agent sees
//   candar load URL    a closed-loop load through agents and a worker, like wrk
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"

namespace {
constexpr std::string_view usage =
    "usage: candar <command> [options]\n"
    "\n"
    "commands:\n"
    "  fetch URL   one request with the browser-like agent; prints status, timings and headers\n"
    "  load URL    closed-loop load through agents (like wrk); prints req/s, statuses, errors, latency\n"
    "\n"
    "'candar <command> --help' describes a command's options.\n";
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  std::string const command = args[0];
  args.erase(args.begin());
  try {
    if (command == "fetch") return candar::cli::fetch_command(args);
    if (command == "load") return candar::cli::load_command(args);
  } catch (std::exception const& e) {
    std::cerr << "candar: internal error: " << e.what() << '\n';
    return 3;
  }
  std::cerr << "candar: unknown command '" << command << "' (try: candar --help)\n";
  return 2;
}
