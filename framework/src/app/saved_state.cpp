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
// A state file is a model, not a database dump: far above any contest's, and parsed (about ten times its size
// in memory) before the run's watchdog exists.
constexpr std::uintmax_t max_state_bytes = 64u << 20;

// A field of the envelope for a message: numbers and short strings as they are, anything else by its type
// (never dump() a hostile value: it recurses).
std::string shown(nlohmann::json const& v) {
  if (v.is_number()) return v.dump();
  if (v.is_string() && v.get_ref<std::string const&>().size() <= 64) return "'" + v.get<std::string>() + "'";
  return std::string("a value of type ") + v.type_name();
}

nlohmann::json checked_state(nlohmann::json& file, std::string const& contest, std::optional<std::uint64_t>& seed) {
  if (!file.is_object() || !file.contains("candar_state") || !file.contains("state")) {
    throw usage_error("not a state file (write one with --save-state)");
  }
  auto const& format = file["candar_state"];
  if (!format.is_number_integer() || format.get<std::int64_t>() != format_version) {
    throw usage_error(fmt::format("state format {}, this candar reads {}", shown(format), format_version));
  }
  auto const& saved_by = file.contains("contest") ? file["contest"] : nlohmann::json();
  if (!saved_by.is_string() || saved_by.get_ref<std::string const&>() != contest) {
    throw usage_error(
        fmt::format("saved by {}, not by {}", saved_by.is_null() ? "no contest" : shown(saved_by), contest));
  }
  auto const& saved_seed = file.contains("seed") ? file["seed"] : nlohmann::json();
  if (!saved_seed.is_number_unsigned()) throw usage_error(fmt::format("its seed is {}", shown(saved_seed)));
  auto const theirs = saved_seed.get<std::uint64_t>();
  if (seed && *seed != theirs) {
    throw usage_error(fmt::format("saved by a run with --seed {}, this run has --seed {}", theirs, *seed));
  }
  seed = theirs;
  return std::move(file["state"]);
}

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

nlohmann::json read_state_file(std::string const& path, std::string const& contest,
                               std::optional<std::uint64_t>& seed) {
  auto const wrong = [&](std::string_view why) { return usage_error(fmt::format("--state {}: {}", path, why)); };
  try {
    std::error_code ec;
    auto const size = std::filesystem::file_size(path, ec);
    if (ec) throw usage_error("cannot read it (" + ec.message() + ")");
    if (size > max_state_bytes) throw usage_error(fmt::format("{} bytes, more than a state file holds", size));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw usage_error("cannot read it");
    auto file = nlohmann::json::parse(in, nullptr, false);
    if (file.is_discarded()) throw usage_error("not JSON (a broken or truncated file?)");
    return checked_state(file, contest, seed);
  } catch (usage_error const& e) {
    throw wrong(e.what());
  } catch (std::exception const& e) {  // out of memory, a stream failure: still the file's fault, not a bug
    throw wrong(fmt::format("cannot read it ({})", e.what()));
  }
}

}  // namespace candar::detail
