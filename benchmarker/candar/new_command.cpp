// candar new DIR: writes a starter contest (benchmarker/candar/starter/) that builds against this installed
// candar with find_package and runs against any URL.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "candar/version.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "starter_files.hpp"

namespace candar::cli {

namespace {
namespace fs = std::filesystem;

constexpr char const* help =
    "usage: candar new DIR [--name NAME]\n"
    "Writes a starter contest into DIR (which must not exist or be empty): a CMake project that finds this\n"
    "installed candar, a main on the ready benchmarker main, one flow per phase (prepare.cpp, load.cpp,\n"
    "validate.cpp) and a README with the commands that build it and run it against a webapp.\n"
    "  --name  the contest's name (default: DIR's last part): lowercase letters, digits, '-' and '_';\n"
    "          the program is NAME-bench, its C++ namespace NAME_bench ('-' as '_')\n"
    "Exit: 0 written, 2 bad usage (DIR not empty, a bad name), 1 a file could not be written.\n";

// The name becomes the CMake project's, the program's (NAME-bench) and the C++ namespace's (NAME_bench, '-' as
// '_': never a name libc or C++ already has, as `poll` or `time` alone would be).
void check_name(std::string const& name) {
  bool const valid = !name.empty() && std::islower(static_cast<unsigned char>(name[0])) &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return std::islower(static_cast<unsigned char>(c)) ||
                              std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                     });
  if (!valid) {
    throw usage_error(
        fmt::format("'{}' is not a contest name: use lowercase letters, digits, '-' and '_', starting "
                    "with a letter (or give one with --name)",
                    name));
  }
}

std::string namespace_of(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name + "_bench";
}

// The installed prefix this command belongs to (PREFIX/bin/candar), when PREFIX holds candar's package config.
std::optional<fs::path> installed_prefix() {
  std::error_code ec;
  auto const self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  auto const bin = self.parent_path();
  if (bin.filename() != fs::path(CANDAR_INSTALL_BINDIR).filename()) return std::nullopt;
  auto const prefix = bin.parent_path();
  if (!fs::exists(prefix / CANDAR_INSTALL_LIBDIR / "cmake/candar/candarConfig.cmake", ec)) return std::nullopt;
  return prefix;
}

std::string fill(std::string_view text, std::vector<std::pair<std::string, std::string>> const& values) {
  std::string out(text);
  for (auto const& [key, value] : values) {
    for (auto at = out.find(key); at != std::string::npos; at = out.find(key, at + value.size())) {
      out.replace(at, key.size(), value);
    }
  }
  return out;
}
}  // namespace

int new_command(std::vector<std::string> const& args) {
  fs::path dir;
  std::string name;
  try {
    command_line cl({.flags = {"help"}, .options = {"name"}}, args);
    if (cl.flag("help")) {
      std::cout << help;
      return 0;
    }
    if (cl.positionals().size() != 1) throw usage_error("new needs exactly one folder");
    dir = fs::path(cl.positionals()[0]);
    name = cl.value("name").value_or(fs::absolute(dir).lexically_normal().filename().string());
    if (name.empty()) name = fs::absolute(dir).lexically_normal().parent_path().filename().string();  // "DIR/"
    check_name(name);
    std::error_code ec;
    if (fs::exists(dir, ec) && (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec))) {
      throw usage_error(
          fmt::format("{} exists and is not an empty folder: the starter goes into a new one", dir.string()));
    }
  } catch (usage_error const& e) {
    std::cerr << "candar new: " << e.what() << " (see candar new --help)\n";
    return 2;
  }

  auto const prefix = installed_prefix();
  std::vector<std::pair<std::string, std::string>> const values = {
      {"@NAME@", name},
      {"@NAMESPACE@", namespace_of(name)},
      {"@VERSION_MAJOR_MINOR@", fmt::format("{}.{}", version_major, version_minor)},
      {"@VERSION@", std::string(version)},
      {"@PREFIX@", prefix ? prefix->string() : std::string("/usr/local")}};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "candar new: cannot make " << dir.string() << ": " << ec.message() << '\n';
    return 1;
  }
  for (auto const& file : starter_files()) {
    auto const path = dir / file.path;
    std::ofstream out(path, std::ios::binary);
    out << fill(file.text, values);
    out.close();
    if (!out) {
      std::cerr << "candar new: cannot write " << path.string() << '\n';
      return 1;
    }
  }
  std::cout << fmt::format("wrote the starter contest '{}' into {}/\n", name, dir.string());
  if (!prefix) {
    std::cout << "note: this candar is not an installed one (no package config next to it): the starter finds\n"
                 "      candar under /usr/local or /usr, or where CANDAR_PREFIX says (scripts/install.sh PREFIX).\n";
  }
  std::string const prefix_line = prefix && *prefix != "/usr/local" && *prefix != "/usr"
                                      ? fmt::format("  export CANDAR_PREFIX={}\n", prefix->string())
                                      : "";
  std::cout << fmt::format(
      "next:\n{}  cd {}\n  cmake --preset release && cmake --build --preset release\n"
      "  ./build/{}-bench --target http://127.0.0.1:8080 --duration 10\n",
      prefix_line, dir.string(), name);
  return 0;
}

}  // namespace candar::cli
