#pragma once
// A small command-line parser for the candar commands: positionals, --flags and --options with a value
// (as "--name value" or "--name=value"). Problems throw usage_error, which the commands turn into exit code 2.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace candar::cli {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct spec {
  std::set<std::string> flags;       // without a value
  std::set<std::string> options;     // with a value
  std::set<std::string> repeatable;  // options that may be given more than once
};

class command_line {
 public:
  command_line(spec const& s, std::vector<std::string> const& args);

  [[nodiscard]] std::vector<std::string> const& positionals() const noexcept { return positionals_; }
  [[nodiscard]] bool flag(std::string const& name) const { return flags_.contains(name); }
  [[nodiscard]] std::optional<std::string> value(std::string const& name) const;
  [[nodiscard]] std::vector<std::string> values(std::string const& name) const;

  // The option as a whole number within [min, max], or `fallback` when absent.
  [[nodiscard]] long long integer(std::string const& name, long long fallback, long long min, long long max) const;
  // The option as a number of seconds (fractions allowed) above zero, or `fallback`.
  [[nodiscard]] double seconds(std::string const& name, double fallback, bool zero_allowed = false) const;
  // The option as a rate per second (fractions allowed) of at least `min`, or `fallback`.
  [[nodiscard]] double rate(std::string const& name, double fallback, double min) const;

 private:
  std::vector<std::string> positionals_;
  std::set<std::string> flags_;
  std::map<std::string, std::vector<std::string>> values_;
};

// Throws usage_error unless `url` is an absolute http:// or https:// URL with a host: checked before any
// load starts, so a typo is a one-line usage error, not a loop of failing requests.
void require_http_url(std::string const& url);

}  // namespace candar::cli
