#pragma once
// The candar subcommands. Each returns the process exit code: 0 ran, 1 the target failed, 2 bad usage.
#include <string>
#include <vector>

namespace candar::cli {

int fetch_command(std::vector<std::string> const& args);
int load_command(std::vector<std::string> const& args);
int worker_command(std::vector<std::string> const& args);
int new_command(std::vector<std::string> const& args);

}  // namespace candar::cli
