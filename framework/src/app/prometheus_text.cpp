#include "prometheus_text.hpp"

#include <cmath>

#include <fmt/format.h>

#include "failure/utf8_text.hpp"

namespace candar::detail {

namespace {

// HELP text escapes a backslash and a line feed; a label value also a double quote.
std::string escaped(std::string_view raw, bool quote) {
  std::string out;
  for (char const c : valid_utf8(raw)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);  // the shortest form that reads back the same: integers print without ".0"
}

void append_sample(std::string& out, std::string_view name, metric_labels const& labels, std::string_view extra_name,
                   std::string_view extra_value, std::string_view value) {
  out += name;
  if (!labels.empty() || !extra_name.empty()) {
    out += '{';
    bool first = true;
    for (auto const& [k, v] : labels) {
      if (!first) out += ',';
      first = false;
      out += fmt::format("{}=\"{}\"", k, escaped(v, true));
    }
    if (!extra_name.empty()) out += fmt::format("{}{}=\"{}\"", first ? "" : ",", extra_name, extra_value);
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string_view type_name(metric_family::kind k) {
  switch (k) {
    case metric_family::kind::counter:
      return "counter";
    case metric_family::kind::histogram:
      return "histogram";
    case metric_family::kind::gauge:
      break;
  }
  return "gauge";
}

}  // namespace

std::string prometheus_text(std::vector<metric_family> const& families) {
  std::string out;
  for (auto const& f : families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escaped(f.help, false), f.name, type_name(f.type));
    for (auto const& p : f.points) append_sample(out, f.name, p.labels, {}, {}, number(p.value));
    for (auto const& h : f.histograms) {
      auto const bucket = f.name + "_bucket";
      for (std::size_t i = 0; i < f.bounds.size() && i < h.at_most.size(); ++i) {
        append_sample(out, bucket, h.labels, "le", number(f.bounds[i]), std::to_string(h.at_most[i]));
      }
      append_sample(out, bucket, h.labels, "le", "+Inf", std::to_string(h.count));
      append_sample(out, f.name + "_sum", h.labels, {}, {}, number(h.sum));
      append_sample(out, f.name + "_count", h.labels, {}, {}, std::to_string(h.count));
    }
  }
  return out;
}

}  // namespace candar::detail
