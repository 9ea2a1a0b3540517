#pragma once
// The home page and its static files (webapp-contract/static/, built into the program), as the webapp serves
// them.
#include <optional>
#include <string>
#include <string_view>

namespace isuchair::webapp {

struct static_file {
  std::string_view content_type;
  std::string_view body;
  std::string etag;  // a hash of the body, quoted
};

// The page at "/".
[[nodiscard]] std::string_view home_page();
// "/static/app.css" and the like; nullopt for an unknown path.
[[nodiscard]] std::optional<static_file> find_static(std::string_view path);
// One date for every file: they change only with a new build of the webapp.
inline constexpr std::string_view static_last_modified = "Sun, 01 Nov 2026 00:00:00 GMT";

}  // namespace isuchair::webapp
