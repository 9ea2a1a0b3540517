#include "isuchair/contract.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace isuchair {

extern char const* const contract_json;  // generated from contract.json at build time

namespace {

using nlohmann::json;

std::string_view kind_of(json const& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "something else";
  }
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    auto const slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

bool matches(std::vector<std::string_view> const& pattern, std::vector<std::string_view> const& parts,
             std::map<std::string, std::string, std::less<>>& params) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == "*") return i < parts.size();
    if (i >= parts.size()) return false;
    if (!pattern[i].empty() && pattern[i].front() == ':') {
      if (parts[i].empty()) return false;
      params.emplace(std::string(pattern[i]), std::string(parts[i]));
    } else if (pattern[i] != parts[i]) {
      return false;
    }
  }
  return pattern.size() == parts.size();
}

std::string field_path(std::string const& parent, std::string_view key) { return fmt::format("{}.{}", parent, key); }

std::string short_dump(json const& v) {
  auto s = v.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

}  // namespace

contract const& contract::isuchair() {
  static contract const c = parse(contract_json);
  return c;
}

contract contract::parse(std::string_view text) {
  contract c;
  try {
    auto const j = json::parse(text);
    c.types_ = j.at("types");
    c.version_header_ = j.at("master_version").at("header").get<std::string>();
    c.refused_status_ = j.at("master_version").at("refused_status").get<int>();
    c.refused_body_ = j.at("master_version").at("refused_body");
    c.session_cookie_ = j.at("session_cookie").get<std::string>();
    for (auto const& e : j.at("endpoints")) {
      endpoint ep;
      ep.method = e.at("method").get<std::string>();
      ep.path = e.at("path").get<std::string>();
      ep.name = ep.method + " " + ep.path;
      ep.tag = e.at("tag").get<std::string>();
      ep.versioned = e.at("versioned").get<bool>();
      ep.session = e.at("session").get<bool>();
      if (e.contains("request")) ep.request = e.at("request");
      for (auto const& [status, type] : e.at("responses").items()) ep.responses[std::stoi(status)] = type;
      c.endpoints_.push_back(std::move(ep));
    }
  } catch (json::exception const& e) {
    throw std::runtime_error(fmt::format("contract: {}", e.what()));
  } catch (std::invalid_argument const&) {
    throw std::runtime_error("contract: a response status is not a number");
  }
  return c;
}

endpoint const& contract::at(std::string_view name) const {
  for (auto const& e : endpoints_) {
    if (e.name == name) return e;
  }
  throw std::out_of_range(fmt::format("contract: no endpoint '{}'", name));
}

route_match contract::match(std::string_view method, std::string_view path) const {
  auto const parts = segments(path);
  for (auto const& e : endpoints_) {
    if (e.method != method) continue;
    route_match m;
    if (matches(segments(e.path), parts, m.params)) {
      m.which = &e;
      return m;
    }
  }
  return {};
}

std::optional<std::string> contract::check_response(endpoint const& e, int status, json const& body) const {
  // The master-version rule answers for every versioned endpoint.
  if (e.versioned && status == refused_status_) return check(refused_body_, body, "$", 0);
  auto const it = e.responses.find(status);
  if (it == e.responses.end()) return fmt::format("status {} is not in the contract", status);
  return check(it->second, body, "$", 0);
}

std::optional<std::string> contract::check_request(endpoint const& e, json const& body) const {
  if (e.request.is_null()) return std::nullopt;
  return check(e.request, body, "$", 0);
}

std::optional<std::string> contract::check(json const& type, json const& value, std::string const& path,
                                           int depth) const {
  if (depth > 32) return fmt::format("{}: the contract's types nest too deep", path);
  if (type.is_string()) {
    auto const& name = type.get_ref<std::string const&>();
    if (name == "any" || name == "html") return std::nullopt;
    if (!name.empty() && name.front() == '#') {
      auto const t = types_.find(name.substr(1));
      if (t == types_.end()) return fmt::format("{}: the contract has no type '{}'", path, name);
      return check(*t, value, path, depth + 1);
    }
    auto const kind = kind_of(value);
    if (kind != name) return fmt::format("{}: expected {}, got {}", path, name, kind);
    return std::nullopt;
  }
  if (type.is_array()) {
    if (!value.is_array()) return fmt::format("{}: expected array, got {}", path, kind_of(value));
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto m = check(type.at(0), value[i], fmt::format("{}[{}]", path, i), depth + 1)) return m;
    }
    return std::nullopt;
  }
  if (!value.is_object()) return fmt::format("{}: expected object, got {}", path, kind_of(value));
  for (auto const& [key, field_type] : type.items()) {
    auto const f = value.find(key);
    if (f == value.end()) return fmt::format("{}: missing", field_path(path, key));
    if (auto m = check(field_type, *f, field_path(path, key), depth + 1)) return m;
  }
  return std::nullopt;
}

namespace {
std::optional<std::string> difference(json const& expected, json const& actual, std::string const& path) {
  if (expected.is_object()) {
    if (!actual.is_object()) return fmt::format("{}: expected an object, got {}", path, short_dump(actual));
    for (auto const& [key, value] : expected.items()) {
      auto const f = actual.find(key);
      if (f == actual.end()) return fmt::format("{}: missing", field_path(path, key));
      if (auto d = difference(value, *f, field_path(path, key))) return d;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return fmt::format("{}: expected an array, got {}", path, short_dump(actual));
    if (actual.size() != expected.size()) {
      return fmt::format("{}: expected {} elements, got {}", path, expected.size(), actual.size());
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (auto d = difference(expected[i], actual[i], fmt::format("{}[{}]", path, i))) return d;
    }
    return std::nullopt;
  }
  if (expected != actual) return fmt::format("{}: expected {}, got {}", path, short_dump(expected), short_dump(actual));
  return std::nullopt;
}
}  // namespace

std::optional<std::string> first_difference(json const& expected, json const& actual) {
  return difference(expected, actual, "$");
}

}  // namespace isuchair
