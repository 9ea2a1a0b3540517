#pragma once
// --har FILE: the flows that led to the run's first errors, as HAR 1.2
// (http://www.softwareishard.com/blog/har-12-spec/), the format browsers' DevTools import. A page per error ("flow-N",
// titled with the error), an entry per exchange of its flow: request and response as they went (headers, bodies up to
// 16 KiB; text as UTF-8, other bytes base64), status 0 where no response came, timings and the connection; the failing
// exchange carries the error as its comment.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace candar {
class error_collection;
}

namespace candar::detail {

// The first `per_code` errors of each code (an error once, under the first of its codes), those with exchanges
// (a run with --har).
[[nodiscard]] nlohmann::json har_of(error_collection const& errors, std::string_view candar_version,
                                    std::size_t per_code = 3);

}  // namespace candar::detail
