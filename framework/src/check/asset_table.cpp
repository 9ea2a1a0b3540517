#include "candar/check/asset_table.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace candar {

std::string sha256_hex(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("sha256: OpenSSL's digest failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

asset_table asset_table::from_directory(std::filesystem::path const& dir, std::string_view url_prefix) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw std::runtime_error(fmt::format("asset table: '{}' is not a readable folder", dir.string()));
  }
  asset_table t;
  std::string prefix(url_prefix);
  if (prefix.empty() || prefix.back() != '/') prefix += '/';
  // "static/" as "static": a trailing separator is an empty last element to lexically_relative().
  auto const base = dir.has_filename() ? dir : dir.parent_path();
  for (auto const& entry : std::filesystem::recursive_directory_iterator(base)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("asset table: cannot read '{}'", entry.path().string()));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    // Lexically: relative() resolves a link to a file to where it points, and the file is served where the link is.
    t.add(prefix + entry.path().lexically_relative(base).generic_string(), bytes.str());
  }
  return t;
}

asset_table& asset_table::add(std::string path, std::string_view content) {
  assets_[std::move(path)] = {content.size(), sha256_hex(content)};
  return *this;
}

std::optional<expected_asset> asset_table::find(std::string_view path) const {
  auto const it = assets_.find(path);
  if (it == assets_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> asset_table::verify(std::string_view path, std::string_view content) const {
  auto const want = find(path);
  if (!want) return fmt::format("no asset is expected at {}", path);
  auto const got = sha256_hex(content);
  if (got == want->sha256 && content.size() == want->size) return std::nullopt;
  return fmt::format(
      "the body differs from the expected asset: {} bytes, sha256 {}...; expected {} bytes, sha256 {}...",
      content.size(), got.substr(0, 12), want->size, want->sha256.substr(0, 12));
}

}  // namespace candar
