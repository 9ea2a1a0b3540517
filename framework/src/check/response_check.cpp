#include "candar/check/response_check.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "candar/check/asset_table.hpp"
#include "candar/check/json_difference.hpp"
#include "failure/utf8_text.hpp"

namespace candar {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<check_failure> fail(std::string_view code, std::string message) {
  return check_failure{std::string(code), std::move(message)};
}

// The body as JSON, or why it is not.
std::optional<check_failure> parse_json(response const& r, nlohmann::json& out) {
  out = nlohmann::json::parse(r.body, nullptr, false);
  if (out.is_discarded()) {
    auto const shown = candar::detail::message_text(r.body, 40);  // a page, a binary or Shift_JIS body: valid UTF-8
    return fail(codes::json, fmt::format("the body is not JSON ({} bytes: '{}')", r.body.size(), shown));
  }
  return std::nullopt;
}

// `ref` resolved against `base` ("" when either does not parse).
std::string resolved(std::string_view base, std::string_view ref) {
  auto const b = boost::urls::parse_uri(base);
  auto const r = boost::urls::parse_uri_reference(ref);
  if (!b || !r) return {};
  boost::urls::url out;
  if (!boost::urls::resolve(*b, *r, out)) return {};
  out.normalize();
  return std::string(out.buffer());
}

}  // namespace

namespace expect {

response_check status(int code) {
  return [code](response const& r) -> std::optional<check_failure> {
    if (r.status == code) return std::nullopt;
    return fail(codes::status, fmt::format("expected status {}, got {}", code, r.status));
  };
}

response_check status(std::initializer_list<int> codes) {
  return [list = std::vector<int>(codes)](response const& r) -> std::optional<check_failure> {
    if (std::find(list.begin(), list.end(), r.status) != list.end()) return std::nullopt;
    return fail(codes::status, fmt::format("expected status {}, got {}", fmt::join(list, " or "), r.status));
  };
}

response_check header(std::string name) {
  return [name = std::move(name)](response const& r) -> std::optional<check_failure> {
    if (r.header(name)) return std::nullopt;
    return fail(codes::header, fmt::format("no {} header", name));
  };
}

response_check header(std::string name, std::string value) {
  return [name = std::move(name), value = std::move(value)](response const& r) -> std::optional<check_failure> {
    auto const got = r.header(name);
    if (!got) return fail(codes::header, fmt::format("no {} header (expected '{}')", name, value));
    if (*got == value) return std::nullopt;
    return fail(codes::header, fmt::format("{}: expected '{}', got '{}'", name, value, *got));
  };
}

response_check content_type(std::string const& media_type) {
  return [want = lower(media_type)](response const& r) -> std::optional<check_failure> {
    auto const got = r.header("Content-Type");
    if (!got) return fail(codes::content_type, fmt::format("no Content-Type (expected {})", want));
    auto type = lower(got->substr(0, got->find(';')));
    type.erase(type.find_last_not_of(" \t") + 1);
    if (type == want) return std::nullopt;
    return fail(codes::content_type, fmt::format("expected Content-Type {}, got {}", want, *got));
  };
}

response_check json_into(nlohmann::json& into) {
  return [&into](response const& r) { return parse_json(r, into); };
}

response_check json_shape(nlohmann::json shape) {
  return [shape = std::move(shape)](response const& r) -> std::optional<check_failure> {
    nlohmann::json body;
    if (auto f = parse_json(r, body)) return f;
    if (auto d = json_shape_difference(shape, body)) return fail(codes::json, std::move(*d));
    return std::nullopt;
  };
}

response_check json_values(nlohmann::json expected) {
  return [want = std::move(expected)](response const& r) -> std::optional<check_failure> {
    nlohmann::json body;
    if (auto f = parse_json(r, body)) return f;
    if (auto d = json_value_difference(want, body)) return fail(codes::json, std::move(*d));
    return std::nullopt;
  };
}

response_check body(std::string expected) {
  return [want = std::move(expected)](response const& r) -> std::optional<check_failure> {
    if (r.body == want) return std::nullopt;
    return fail(codes::body, fmt::format("the body differs ({} bytes, expected {})", r.body.size(), want.size()));
  };
}

response_check body_matches(std::function<std::optional<std::string>(std::string_view)> judge) {
  return [judge = std::move(judge)](response const& r) -> std::optional<check_failure> {
    if (auto why = judge(r.body)) return fail(codes::body, std::move(*why));
    return std::nullopt;
  };
}

response_check redirect_to(std::string target) {
  return [target = std::move(target)](response const& r) -> std::optional<check_failure> {
    if (r.status < 300 || r.status > 399) {
      return fail(codes::redirect, fmt::format("expected a redirect to {}, got status {}", target, r.status));
    }
    auto const location = r.header("Location");
    if (!location) return fail(codes::redirect, fmt::format("a {} without Location (expected {})", r.status, target));
    auto const got = resolved(r.url, *location);
    if (!got.empty() && got == resolved(r.url, target)) return std::nullopt;
    return fail(codes::redirect, fmt::format("expected a redirect to {}, got one to {}", target, *location));
  };
}

response_check asset(asset_table const& table) {
  return [&table](response const& r) -> std::optional<check_failure> {
    std::string path = r.url;
    if (auto u = boost::urls::parse_uri(r.url)) path = u->path();  // decoded: the table holds file names
    if (auto why = table.verify(path, r.body)) return fail(codes::asset, std::move(*why));
    return std::nullopt;
  };
}

}  // namespace expect

std::optional<error> check_all(expected<response> const& res, std::string_view endpoint,
                               std::vector<response_check> const& checks) {
  if (!res) {
    auto const& e = res.error();
    error named(e.inner_code(), fmt::format("{}: {}", endpoint, e.message()));
    named.set_trace_context(e.trace_context());
    return named;
  }
  for (auto const& c : checks) {
    if (auto f = c(*res)) {
      error failed(f->code, fmt::format("{}: {}", endpoint, f->message));
      failed.set_trace_context(res->trace);
      return failed;
    }
  }
  return std::nullopt;
}

}  // namespace candar
