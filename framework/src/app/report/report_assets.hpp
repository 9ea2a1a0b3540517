#pragma once
// The report page's sources (page.html, report.css, report.js beside this header), embedded at build time
// by framework/CMakeLists.txt: the library carries them, so an installed candar needs no data files.
#include <string_view>

namespace candar::detail::report_assets {

extern std::string_view const page;
extern std::string_view const style;
extern std::string_view const script;
extern std::string_view const flows;  // the failing exchanges of --har

}  // namespace candar::detail::report_assets
