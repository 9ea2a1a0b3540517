#include "command_line.hpp"

#include <charconv>
#include <cmath>
#include <optional>

#include <boost/url/parse.hpp>

namespace candar::cli {

command_line::command_line(spec const& s, std::vector<std::string> const& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string const& arg = args[i];
    if (arg.size() < 3 || arg.rfind("--", 0) != 0) {
      if (!arg.empty() && arg[0] == '-' && arg != "-") throw usage_error("unknown option '" + arg + "'");
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (s.flags.contains(name)) {
      if (inline_value) throw usage_error("--" + name + " takes no value");
      flags_.insert(name);
    } else if (s.options.contains(name)) {
      if (!inline_value && i + 1 >= args.size()) throw usage_error("--" + name + " needs a value");
      auto& slot = values_[name];
      if (!slot.empty() && !s.repeatable.contains(name)) throw usage_error("--" + name + " given twice");
      slot.push_back(inline_value ? *inline_value : args[++i]);
    } else {
      throw usage_error("unknown option '--" + name + "'");
    }
  }
}

std::optional<std::string> command_line::value(std::string const& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> command_line::values(std::string const& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

long long command_line::integer(std::string const& name, long long fallback, long long min, long long max) const {
  auto v = value(name);
  if (!v) return fallback;
  long long n = 0;
  auto const* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, n);
  if (ec != std::errc() || ptr != end || n < min || n > max) {
    throw usage_error("--" + name + " needs a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", got '" + *v + "'");
  }
  return n;
}

namespace {

// The whole text as a finite number, or nullopt.
std::optional<double> finite_number(std::string const& text) {
  double d = 0;
  auto const* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return std::nullopt;
  return d;
}

}  // namespace

double command_line::seconds(std::string const& name, double fallback, bool zero_allowed) const {
  auto v = value(name);
  if (!v) return fallback;
  auto const d = finite_number(*v);
  if (!d || *d < 0 || (*d == 0 && !zero_allowed) || *d > 86400) {
    throw usage_error("--" + name + " needs a number of seconds " + (zero_allowed ? "of 0 or more" : "above 0") +
                      ", got '" + *v + "'");
  }
  return *d;
}

double command_line::rate(std::string const& name, double fallback, double min) const {
  auto v = value(name);
  if (!v) return fallback;
  auto const d = finite_number(*v);
  if (!d || *d < min || *d > 10'000'000) {
    throw usage_error("--" + name + " needs a rate per second " + (min > 0 ? "above 0" : "of 0 or more") + ", got '" +
                      *v + "'");
  }
  return *d;
}

void require_http_url(std::string const& url) {
  auto const parsed = boost::urls::parse_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->encoded_host().empty()) {
    throw usage_error("'" + url + "' is not an http:// or https:// URL with a host");
  }
}

}  // namespace candar::cli
