#pragma once
// The isuchair contract (contract.json, built into the program): every endpoint with its method, path, request
// and response types, and the master-version rule. The webapp routes with it; the benchmarker checks every
// response against it, so no shape check is written by hand on either side.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace isuchair {

struct endpoint {
  std::string method;
  std::string path;                         // "/api/users/:id/home"; ":name" matches one segment, a final "*" the rest
  std::string name;                         // "GET /api/users/:id/home": how errors and metrics name it
  std::string tag;                          // the score tag of a success
  bool versioned = false;                   // the master-version rule applies
  bool session = false;                     // needs the session cookie
  nlohmann::json request;                   // the request body's type, or null
  std::map<int, nlohmann::json> responses;  // status -> body type ("html", "any" or a JSON type)
};

struct route_match {
  endpoint const* which = nullptr;
  std::map<std::string, std::string, std::less<>> params;  // ":id" -> "42"
};

class contract {
 public:
  // The contract this program was built with.
  static contract const& isuchair();
  // Throws std::runtime_error naming what is wrong.
  static contract parse(std::string_view text);

  [[nodiscard]] std::vector<endpoint> const& endpoints() const noexcept { return endpoints_; }
  // By name ("GET /api/login"); throws std::out_of_range for an unknown one (a typo in the benchmarker).
  [[nodiscard]] endpoint const& at(std::string_view name) const;
  // The endpoint a request goes to (path without the query), if any.
  [[nodiscard]] route_match match(std::string_view method, std::string_view path) const;

  [[nodiscard]] std::string const& version_header() const noexcept { return version_header_; }
  [[nodiscard]] int refused_status() const noexcept { return refused_status_; }
  [[nodiscard]] std::string const& session_cookie() const noexcept { return session_cookie_; }

  // Checks a response body against the type the endpoint declares for `status`:
  // "$.user.chairs: expected integer, got string". A status the endpoint does not declare is a mismatch too.
  [[nodiscard]] std::optional<std::string> check_response(endpoint const& e, int status,
                                                          nlohmann::json const& body) const;
  // The same for a request body (the webapp answers 400 with the message).
  [[nodiscard]] std::optional<std::string> check_request(endpoint const& e, nlohmann::json const& body) const;

 private:
  std::optional<std::string> check(nlohmann::json const& type, nlohmann::json const& value) const;

  std::vector<endpoint> endpoints_;
  nlohmann::json types_;
  std::string version_header_;
  int refused_status_ = 0;
  nlohmann::json refused_body_;
  std::string session_cookie_;
};

// candar::json_value_difference: "$.user.chairs: expected 42, got 41".
[[nodiscard]] std::optional<std::string> first_difference(nlohmann::json const& expected, nlohmann::json const& actual);

}  // namespace isuchair
