#include "access_log.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace isuchair::webapp {

namespace {

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The trace and span ids of a traceparent "00-<32 hex>-<16 hex>-<2 hex>"; dashes when it is absent or malformed.
std::string trace_fields(std::optional<std::string_view> traceparent) {
  if (traceparent && traceparent->size() == 55 && traceparent->substr(0, 3) == "00-" && (*traceparent)[35] == '-' &&
      (*traceparent)[52] == '-') {
    auto const trace = traceparent->substr(3, 32);
    auto const span = traceparent->substr(36, 16);
    if (lower_hex(trace) && lower_hex(span)) {
      return "trace_id=" + std::string(trace) + " span_id=" + std::string(span);
    }
  }
  return "trace_id=- span_id=-";
}

}  // namespace

access_log::access_log(std::string const& path) : out_(path, std::ios::app) {
  if (!out_) throw std::runtime_error("cannot open the access log '" + path + "'");
}

void access_log::write(http_request const& request, http_reply const& reply) {
  auto const line = request.method + " " + request.target + " " + std::to_string(reply.status) + " " +
                    trace_fields(request.header("traceparent")) + "\n";
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;  // read while the webapp runs
}

}  // namespace isuchair::webapp
