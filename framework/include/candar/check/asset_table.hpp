#pragma once
// The static files a webapp must serve, by URL path, each with its size and SHA-256: built from the files
// themselves (the contest's own copy, e.g. under webapp-contract/), never copied by hand, so that a webapp
// answering /static/app.css with one line and plausible cache headers is caught (isucon11-qualify's
// resourcesHash, isucon14's frontend_hashes.json).
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace candar {

struct expected_asset {
  std::size_t size = 0;
  std::string sha256{};  // lowercase hex
};

class asset_table {
 public:
  // Every regular file under `dir`, at `url_prefix` + its path relative to `dir`, with '/' between folders:
  //   from_directory("webapp/public", "/static")  ->  webapp/public/css/a.css at /static/css/a.css
  //   from_directory("webapp/public", "/")        ->  webapp/public/favicon.ico at /favicon.ico ("" is "/" too)
  // The prefix is a path: a '/' is added after it when missing, nothing else is changed (no leading '/' is
  // added, no percent-encoding: paths are compared decoded, as expect::asset decodes the response's). Hidden
  // files count; links to files are followed, links to folders are not. Throws std::runtime_error when the
  // folder cannot be read.
  static asset_table from_directory(std::filesystem::path const& dir, std::string_view url_prefix);

  asset_table& add(std::string path, std::string_view content);
  [[nodiscard]] std::optional<expected_asset> find(std::string_view path) const;
  [[nodiscard]] std::size_t size() const noexcept { return assets_.size(); }
  [[nodiscard]] std::map<std::string, expected_asset, std::less<>> const& all() const noexcept { return assets_; }

  // Nothing when `content` is the asset expected at `path`; else why not ("no asset is expected at
  // /static/x.js", "the body differs from the expected asset: 12 bytes, sha256 1a2b3c4d...; expected ...").
  [[nodiscard]] std::optional<std::string> verify(std::string_view path, std::string_view content) const;

 private:
  std::map<std::string, expected_asset, std::less<>> assets_;
};

// The SHA-256 of `content` in lowercase hex.
[[nodiscard]] std::string sha256_hex(std::string_view content);

}  // namespace candar
