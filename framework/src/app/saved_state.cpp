#include "saved_state.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "app_flags.hpp"
#include "candar/version.hpp"
#include "result_file.hpp"

namespace candar::detail {

namespace {

constexpr int format_version = 1;
// A state file is a model, not a database dump: far above any contest's, far below what hurts to parse.
constexpr std::uintmax_t max_state_bytes = 512u << 20;

}  // namespace

void write_state_file(std::string const& path, std::string const& contest, std::uint64_t seed, nlohmann::json state) {
  nlohmann::json const file = {{"candar_state", format_version},
                               {"contest", contest},
                               {"seed", seed},
                               {"candar", std::string(version)},
                               {"saved_at", fmt::format("{:%FT%TZ}", fmt::gmtime(std::time(nullptr)))},
                               {"state", std::move(state)}};
  write_file_atomically(path, file.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

nlohmann::json read_state_file(std::string const& path, std::string const& contest, std::uint64_t seed) {
  auto const wrong = [&](std::string const& why) { return usage_error(fmt::format("--state {}: {}", path, why)); };
  std::error_code ec;
  auto const size = std::filesystem::file_size(path, ec);
  if (ec) throw wrong("cannot read it (" + ec.message() + ")");
  if (size > max_state_bytes) throw wrong(fmt::format("{} bytes, more than a state file holds", size));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw wrong("cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  auto file = nlohmann::json::parse(text.str(), nullptr, false);
  if (file.is_discarded()) throw wrong("not JSON (a broken or truncated file?)");
  if (!file.is_object() || !file.contains("candar_state") || !file.contains("state")) {
    throw wrong("not a state file (write one with --save-state)");
  }
  if (file["candar_state"] != format_version) {
    throw wrong(fmt::format("state format {}, this candar reads {}", file["candar_state"].dump(), format_version));
  }
  auto const saved_by = file.value("contest", std::string());
  if (saved_by != contest) throw wrong(fmt::format("saved by '{}', not by {}", saved_by, contest));
  auto const* const saved_seed = file.contains("seed") ? &file["seed"] : nullptr;
  if (saved_seed == nullptr || !saved_seed->is_number_unsigned() || saved_seed->get<std::uint64_t>() != seed) {
    throw wrong(fmt::format("saved by a run with --seed {}, this run has --seed {}",
                            saved_seed != nullptr ? saved_seed->dump() : "(none)", seed));
  }
  return std::move(file["state"]);
}

}  // namespace candar::detail
