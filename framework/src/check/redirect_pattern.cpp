// expect::redirect_matching: a redirect to a path of a shape, reading the id the webapp chose back out of it.
#include <charconv>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "candar/check/response_check.hpp"
#include "failure/utf8_text.hpp"

namespace candar::expect {

namespace {

struct pattern_shape {
  std::vector<std::string> segments;  // "posts", ":id"
  std::size_t capture = SIZE_MAX;     // the index of the `:name` segment, if any
};

pattern_shape shape_of(std::string const& pattern) {
  if (pattern.empty() || pattern.front() != '/' || pattern.find_first_of("?#") != std::string::npos) {
    throw std::invalid_argument("expect::redirect_matching: '" + pattern + "' is not a path");
  }
  pattern_shape p;
  std::size_t start = 1;
  while (true) {
    auto const end = pattern.find('/', start);
    p.segments.push_back(pattern.substr(start, end == std::string::npos ? std::string::npos : end - start));
    auto const& seg = p.segments.back();
    if (seg.size() > 1 && seg.front() == ':') {
      if (p.capture != SIZE_MAX)
        throw std::invalid_argument("expect::redirect_matching: more than one :name in " + pattern);
      p.capture = p.segments.size() - 1;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return p;
}

// The matched `:name` segment ("" when the pattern has none), or why the redirect does not match.
std::pair<std::optional<std::string>, std::string> match(pattern_shape const& p, std::string const& pattern,
                                                         response const& r) {
  auto const wrong = [&](std::string why) { return std::pair{std::optional<std::string>(), std::move(why)}; };
  if (r.status < 300 || r.status > 399)
    return wrong(fmt::format("expected a redirect to {}, got status {}", pattern, r.status));
  auto const location = r.header("Location");
  if (!location) return wrong(fmt::format("a {} without Location (expected {})", r.status, pattern));
  auto const shown = detail::message_text(*location, 200);
  auto not_it = wrong(fmt::format("expected a redirect to {}, got one to {}", pattern, shown));
  auto const base = boost::urls::parse_uri(r.url);
  auto const ref = boost::urls::parse_uri_reference(*location);
  if (!base || !ref) return not_it;
  boost::urls::url got(*base);
  if (!got.resolve(*ref)) return not_it;
  if (got.encoded_origin() != base->encoded_origin()) return not_it;
  // Decoded segment by segment ("/" is one empty segment, as the pattern splits it); not got.path(), which
  // Boost.URL 1.81 decodes with stray bytes after resolve().
  std::vector<std::string> segments;
  for (auto const s : got.segments()) segments.push_back(s);
  if (segments.size() != p.segments.size()) return not_it;
  std::string captured;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i == p.capture) {
      if (segments[i].empty()) return not_it;
      captured = segments[i];
    } else if (segments[i] != p.segments[i]) {
      return not_it;
    }
  }
  return {std::move(captured), std::string()};
}

response_check matching(std::string pattern, std::function<std::optional<std::string>(std::string const&)> store) {
  auto shape = shape_of(pattern);
  return [p = std::move(shape), pattern = std::move(pattern),
          store = std::move(store)](response const& r) -> std::optional<check_failure> {
    auto [captured, why] = match(p, pattern, r);
    if (!captured) return check_failure{std::string(codes::redirect), std::move(why)};
    if (auto refused = store(*captured)) return check_failure{std::string(codes::redirect), std::move(*refused)};
    return std::nullopt;
  };
}

std::string capture_name(std::string const& pattern) {
  auto const p = shape_of(pattern);
  return p.capture == SIZE_MAX ? std::string() : p.segments[p.capture];
}

// The `:name` segment as a T: decimal digits whose value fits.
template <class T>
response_check integer_match(std::string pattern, T* into) {
  auto name = capture_name(pattern);
  if (name.empty())
    throw std::invalid_argument("expect::redirect_matching: no :name in " + pattern + " to read a number from");
  return matching(pattern,
                  [into, name = std::move(name), pattern](std::string const& captured) -> std::optional<std::string> {
                    T value = 0;
                    auto const* const end = captured.data() + captured.size();
                    auto const [ptr, ec] = std::from_chars(captured.data(), end, value);
                    if (ec != std::errc() || ptr != end || captured.front() == '-') {
                      return fmt::format("expected a redirect to {} with a number for {}, got '{}'", pattern, name,
                                         detail::message_text(captured, 40));
                    }
                    if (into != nullptr) *into = value;
                    return std::nullopt;
                  });
}

}  // namespace

response_check redirect_matching(std::string pattern, std::string* into) {
  return matching(std::move(pattern), [into](std::string const& captured) -> std::optional<std::string> {
    if (into != nullptr) *into = captured;
    return std::nullopt;
  });
}

response_check redirect_matching(std::string pattern, std::int64_t* into) {
  return integer_match(std::move(pattern), into);
}

response_check redirect_matching(std::string pattern, int* into) { return integer_match(std::move(pattern), into); }

}  // namespace candar::expect
