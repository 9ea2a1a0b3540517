#include "isuchair/contract.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "candar/check/json_difference.hpp"

namespace isuchair {

extern char const* const contract_json;  // generated from contract.json at build time

namespace {

using nlohmann::json;

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
  if (e.versioned && status == refused_status_) return check(refused_body_, body);
  auto const it = e.responses.find(status);
  if (it == e.responses.end()) return fmt::format("status {} is not in the contract", status);
  return check(it->second, body);
}

std::optional<std::string> contract::check_request(endpoint const& e, json const& body) const {
  if (e.request.is_null()) return std::nullopt;
  return check(e.request, body);
}

std::optional<std::string> contract::check(json const& type, json const& value) const {
  // "html" bodies are not JSON: the shape says nothing about them.
  if (type.is_string() && type.get_ref<std::string const&>() == "html") return std::nullopt;
  return candar::json_shape_difference(type, value, &types_);
}

std::optional<std::string> first_difference(json const& expected, json const& actual) {
  return candar::json_value_difference(expected, actual);
}

}  // namespace isuchair
