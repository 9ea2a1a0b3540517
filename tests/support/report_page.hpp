#pragma once
// Reading back what the HTML report drew, from the DOM headless Chromium dumped: each chart's series with the
// values written on its <path data-series=... data-values=...>, and the text of an element by id.
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace candar::test {

inline std::string unescaped_attribute(std::string s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    auto const end = s.find(';', i);
    auto const entity = end == std::string::npos ? std::string() : s.substr(i, end - i + 1);
    if (entity == "&amp;")
      out += '&';
    else if (entity == "&quot;")
      out += '"';
    else if (entity == "&lt;")
      out += '<';
    else if (entity == "&gt;")
      out += '>';
    else if (entity == "&nbsp;")
      out += "\xc2\xa0";
    else {
      out += '&';
      continue;
    }
    i = end;
  }
  return out;
}

// Series name -> values (nullopt where the chart has a gap); empty when the chart is not on the page.
inline std::map<std::string, std::vector<std::optional<double>>> chart_series(std::string const& dom,
                                                                              std::string const& chart) {
  std::map<std::string, std::vector<std::optional<double>>> out;
  auto const at = dom.find("data-chart=\"" + chart + "\"");
  if (at == std::string::npos) return out;
  auto const end = dom.find("</figure>", at);
  auto const figure = dom.substr(at, end == std::string::npos ? std::string::npos : end - at);
  static std::regex const path(R"re(data-series="([^"]*)" data-values="([^"]*)")re");
  for (std::sregex_iterator it(figure.begin(), figure.end(), path), done; it != done; ++it) {
    auto& values = out[unescaped_attribute((*it)[1].str())];
    std::string const list = (*it)[2].str();
    std::size_t from = 0;
    for (;;) {
      auto const comma = list.find(',', from);
      auto const item = list.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
      values.push_back(item.empty() ? std::nullopt : std::optional<double>(std::stod(item)));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
  }
  return out;
}

// The text inside the element with this id (tags stripped, entities kept as written); nullopt when absent.
inline std::optional<std::string> element_text(std::string const& dom, std::string const& id) {
  auto const at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return std::nullopt;
  auto const open_end = dom.find('>', at);
  auto const tag_start = dom.rfind('<', at);
  auto const name_end = dom.find_first_of(" >", tag_start);
  auto const tag = dom.substr(tag_start + 1, name_end - tag_start - 1);
  auto const close =
      dom.find("</" + tag + ">", open_end);  // the first close of that name: enough for leaf-ish elements
  std::string text, inner = dom.substr(open_end + 1, close - open_end - 1);
  bool in_tag = false;
  for (char c : inner) {
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      text += c;
  }
  return unescaped_attribute(text);
}

}  // namespace candar::test
