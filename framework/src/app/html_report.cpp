#include "html_report.hpp"

#include <nlohmann/json.hpp>

#include "markup_text.hpp"
#include "report/report_assets.hpp"

namespace candar::detail {

namespace {

// JSON that can sit inside <script>: '<', '>' and '&' appear only inside JSON strings, where \uXXXX means
// the same character, so no "</script>" or "<!--" in a contestant's error message can end the element.
std::string script_safe_json(nlohmann::json const& j) {
  auto const text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char const c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string html_report(nlohmann::json const& result, nlohmann::json const* har) {
  std::string title = "benchmark result";
  if (result.is_object() && result.contains("contest") && result["contest"].is_string()) {
    title = result["contest"].get<std::string>() + " " + title;
  }
  // The page's markers are replaced in one pass over the page alone: what is put in is never scanned again.
  std::string out;
  std::string_view page = report_assets::page;
  while (!page.empty()) {
    auto const at = page.find('@');
    auto const end = at == std::string_view::npos ? std::string_view::npos : page.find('@', at + 1);
    if (end == std::string_view::npos) {
      out += page;
      break;
    }
    out += page.substr(0, at);
    auto const marker = page.substr(at + 1, end - at - 1);
    if (marker == "TITLE")
      out += markup_text(title);
    else if (marker == "STYLE")
      out += report_assets::style;
    else if (marker == "SCRIPT")
      out += report_assets::script;
    else if (marker == "RESULT")
      out += script_safe_json(result);
    else if (marker == "HAR")
      out += har != nullptr ? script_safe_json(*har) : std::string("null");
    else if (marker == "FLOWS")
      out += report_assets::flows;
    else {
      out += page.substr(at, end - at);  // not a marker: keep the '@' and look again from the next one
      page.remove_prefix(end);
      continue;
    }
    page.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace candar::detail
