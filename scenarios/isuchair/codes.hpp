#pragma once
// The isuchair benchmarker's error codes, their categories, and the score table.
#include <cstdint>
#include <string_view>

#include "candar/failure/category.hpp"
#include "candar/score/score.hpp"

namespace isuchair::codes {
// Scenario errors: a deduction each.
inline constexpr std::string_view status = "status";      // a status other than the one expected
inline constexpr std::string_view gave_up = "gave-up";    // a step took longer than the step timeout
inline constexpr std::string_view resource = "resource";  // a page's sub-resource failed
// Validation errors: critical, the run fails.
inline constexpr std::string_view response = "response";              // a body does not match the contract or the model
inline constexpr std::string_view master_version = "master-version";  // an old master version was served
inline constexpr std::string_view banned = "banned";                  // a banned user was let in
inline constexpr std::string_view cache_headers = "cache-headers";    // a static file without its cache headers
inline constexpr std::string_view asset = "asset";                    // a static file that is not the contest's
inline constexpr std::string_view page = "page";                      // the home page lacks what a browser needs
inline constexpr std::string_view must_refuse = "must-refuse";        // a request the contract refuses was served
// Phases: the outermost code of errors raised there.
inline constexpr std::string_view initialize = "initialize";
inline constexpr std::string_view validate = "validate";

// Flows, the code errors of a flow are wrapped in.
inline constexpr std::string_view existing_user = "existing-user";
inline constexpr std::string_view new_user = "new-user";
inline constexpr std::string_view banned_user = "banned-user";
inline constexpr std::string_view refresh = "master-refresh";
inline constexpr std::string_view version_probe = "version-probe";  // Prepare's check of the master-version rule
inline constexpr std::string_view refusal_probe = "refusal-probe";  // Prepare's requests that must be refused
}  // namespace isuchair::codes

namespace isuchair {

// Every error deducts this many points (docs/isuchair.md).
inline constexpr std::int64_t deduction_per_error = 5;
// More errors than this in all fail the run, and the load adjustor stops the load on reaching it.
inline constexpr std::int64_t error_limit = 200;

// Weights per score tag (the contract's endpoint tags, and "banned-refused"); written in docs/isuchair.md.
void set_score_table(candar::score& s);
// initialize → initialize; status, timeout, connection, ... → scenario; response, master-version, banned,
// cache-headers, asset, page, must-refuse → validation.
[[nodiscard]] candar::error_categories error_table();

}  // namespace isuchair
