#include "static_files.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "isuchair/static_assets.hpp"

namespace isuchair::webapp {

namespace {

std::string etag_of(std::string_view body) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char const c : body) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return fmt::format("\"{:016x}\"", h);
}

}  // namespace

std::string_view home_page() { return isuchair::home_page(); }

std::optional<static_file> find_static(std::string_view path) {
  for (auto const& f : static_assets()) {
    if (f.path == path) return static_file{.content_type = f.content_type, .body = f.body, .etag = etag_of(f.body)};
  }
  return std::nullopt;
}

}  // namespace isuchair::webapp
