#pragma once
// candar load's flags: what a load runs, read from its command line.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "candar/worker/arrival_rate.hpp"

namespace candar::cli {

struct load_settings {
  std::string url;
  std::int64_t connections = 50;
  double duration_s = 10;
  std::size_t threads = 0;
  double timeout_s = 1;
  bool keep_alive = true;
  bool http2 = false;
  std::int64_t streams = 1;
  std::optional<std::string> json_file;
  std::optional<arrival_rate_options> open;  // --rate / --stages
};

// The settings, or nullopt after printing the help (--help). Throws usage_error on a bad flag.
std::optional<load_settings> read_load_flags(std::vector<std::string> const& args);

std::chrono::steady_clock::duration seconds_of(double s);
// "100 requests/s", or "from 0/s, to 100/s over 10s, ...".
std::string describe(arrival_rate_options const& o);

}  // namespace candar::cli
