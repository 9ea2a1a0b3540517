#pragma once
// The home page and its static files, as files in webapp-contract/static/ built into both programs: the webapp
// serves them, the benchmarker checks every static body against them (by SHA-256), so neither copies them.
#include <string_view>
#include <vector>

namespace isuchair {

struct static_asset {
  std::string_view path;          // "/static/app.css"
  std::string_view content_type;  // "text/css"
  std::string_view body;
};

// The files under /static/, in a fixed order.
[[nodiscard]] std::vector<static_asset> const& static_assets();
// The page at "/" (webapp-contract/static/index.html).
[[nodiscard]] std::string_view home_page();

}  // namespace isuchair
