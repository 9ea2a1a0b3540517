#include "static_files.hpp"

#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace isuchair::webapp {

namespace {

constexpr std::string_view page = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>isuchair</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header><img src="/static/logo.svg" alt="isuchair"></header>
<main id="app"><img src="/static/chair.svg" alt="a chair" width="64" height="64"><p>Loading your chairs...</p></main>
</body>
</html>
)";

constexpr std::string_view css = R"(body { font-family: sans-serif; margin: 0; background: #fdf6e3; }
header { background: #268bd2; padding: 8px; }
main { display: flex; flex-wrap: wrap; gap: 4px; padding: 16px; }
.chair { width: 32px; height: 32px; background: url(/static/chair.svg) no-repeat; }
)";

constexpr std::string_view js = R"(// isuchair client: reads the master version, then draws the user's chairs.
(async () => {
  const version = (await (await fetch('/api/version')).json()).master_version;
  const userId = sessionStorage.getItem('user_id');
  if (!userId) return;
  const res = await fetch(`/api/users/${userId}/home`, { headers: { 'X-Master-Version': version } });
  const home = await res.json();
  const main = document.getElementById('app');
  main.textContent = '';
  for (let i = 0; i < home.user.chairs; i++) {
    const d = document.createElement('div');
    d.className = 'chair';
    main.appendChild(d);
  }
})();
)";

constexpr std::string_view chair_svg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect x="14" y="6" width="36" height="28" fill="#b58900"/><rect x="10" y="34" width="44" height="8" fill="#cb4b16"/><rect x="12" y="42" width="6" height="20" fill="#586e75"/><rect x="46" y="42" width="6" height="20" fill="#586e75"/></svg>
)";

constexpr std::string_view logo_svg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 32"><text x="4" y="24" font-size="24" fill="#fdf6e3">isuchair</text></svg>
)";

std::string etag_of(std::string_view body) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char const c : body) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return fmt::format("\"{:016x}\"", h);
}

struct entry {
  std::string_view path;
  std::string_view type;
  std::string_view body;
};

constexpr std::array<entry, 4> files = {{
    {"/static/app.css", "text/css", css},
    {"/static/app.js", "text/javascript", js},
    {"/static/chair.svg", "image/svg+xml", chair_svg},
    {"/static/logo.svg", "image/svg+xml", logo_svg},
}};

}  // namespace

std::string_view home_page() { return page; }

std::optional<static_file> find_static(std::string_view path) {
  for (auto const& f : files) {
    if (f.path == path) return static_file{.content_type = f.type, .body = f.body, .etag = etag_of(f.body)};
  }
  return std::nullopt;
}

}  // namespace isuchair::webapp
