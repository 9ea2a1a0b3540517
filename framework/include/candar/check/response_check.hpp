#pragma once
// Checking a response in one call, with the contestant's message naming the endpoint, in the spirit of
// isucon12-final's ValidateResponse(res, WithStatusCode(200), WithJsonBody(&v)):
//
//   nlohmann::json body;
//   if (auto e = check(res, "POST /api/login", expect::status(200), expect::json_shape(user_shape),
//                      expect::json_into(body))) {
//     s.add_error(std::move(*e).wrap("login"));   // "login > status: POST /api/login: expected status 200, got 500"
//     co_return;
//   }
//
// Checks run in order and the first failure is the error. A failure to get a response at all keeps the
// agent's code (timeout, connection, ...). Codes of the checks: status, header, content-type, json, body,
// redirect, asset (candar/failure/codes.hpp).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "candar/agent/response.hpp"
#include "candar/failure/codes.hpp"
#include "candar/failure/error.hpp"
#include "candar/failure/expected.hpp"

namespace candar {

class asset_table;

// The checks' codes are candar::codes::status, header, content_type, json, body, redirect and asset
// (candar/failure/codes.hpp); check_codes is their older name.
namespace check_codes = codes;

// What a check found wrong: its code and a sentence without the endpoint (check() puts it in front).
struct check_failure {
  std::string code{};
  std::string message{};
};

// One check of a response. Write your own as a lambda: [](response const& r) -> std::optional<check_failure>.
using response_check = std::function<std::optional<check_failure>(response const&)>;

namespace expect {

// The status is `code` (or one of the codes): "expected status 200, got 500".
[[nodiscard]] response_check status(int code);
[[nodiscard]] response_check status(std::initializer_list<int> codes);
// The header is present; or present with exactly `value`.
[[nodiscard]] response_check header(std::string name);
[[nodiscard]] response_check header(std::string name, std::string value);
// The media type of Content-Type (parameters ignored, case-insensitive): "application/json".
[[nodiscard]] response_check content_type(std::string const& media_type);
// The body parses as JSON; with `into`, it is stored there for the steps after.
[[nodiscard]] response_check json_into(nlohmann::json& into);
// The body is JSON of this shape (json_difference.hpp's shape language).
[[nodiscard]] response_check json_shape(nlohmann::json shape);
// The body is JSON holding at least these values: "$.user.chairs: expected 19, got 20".
[[nodiscard]] response_check json_values(nlohmann::json expected);
// The body is exactly these bytes, or satisfies a predicate (a sentence on failure, nothing when right).
[[nodiscard]] response_check body(std::string expected);
[[nodiscard]] response_check body_matches(std::function<std::optional<std::string>(std::string_view)> judge);
// A redirect (3xx) whose Location resolves, against the response's URL, to `target` (a path or an absolute URL).
[[nodiscard]] response_check redirect_to(std::string target);
// A redirect (3xx) on the response's own origin to a path of this shape: "/posts/:id" matches /posts/42 (a
// `:name` segment is one non-empty segment, decoded; the query is not compared). The `:name` segment (at most
// one) is stored in `into` when the check passes; as an integer, it must be decimal digits that fit.
//   std::int64_t id = 0;
//   check(res, "POST /posts", expect::redirect_matching("/posts/:id", &id))   // "... got one to /login"
// Throws std::invalid_argument for a pattern that is not a path or has more than one `:name`.
[[nodiscard]] response_check redirect_matching(std::string pattern, std::string* into = nullptr);
[[nodiscard]] response_check redirect_matching(std::string pattern, std::int64_t* into);
[[nodiscard]] response_check redirect_matching(std::string pattern, int* into);
// The body is the expected asset for the response's path (the table is read, not copied: keep it alive).
[[nodiscard]] response_check asset(asset_table const& table);

}  // namespace expect

// Runs `checks` on `res` in order: nothing when all pass, else the first failure as an error whose message
// starts with `endpoint`.
[[nodiscard]] std::optional<error> check_all(expected<response> const& res, std::string_view endpoint,
                                             std::vector<response_check> const& checks);

template <class... Checks>
[[nodiscard]] std::optional<error> check(expected<response> const& res, std::string_view endpoint, Checks&&... checks) {
  std::vector<response_check> const all{response_check(std::forward<Checks>(checks))...};
  return check_all(res, endpoint, all);
}

}  // namespace candar
