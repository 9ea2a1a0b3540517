#pragma once
// --access-log FILE: a line per request, as a contestant's nginx would write it, with the W3C trace context
// the request came with (the benchmarker's --trace), so an error the benchmarker names can be found here.
#include <fstream>
#include <mutex>
#include <string>

#include "http_server.hpp"

namespace isuchair::webapp {

class access_log {
 public:
  // Throws std::runtime_error when the file cannot be opened for appending.
  explicit access_log(std::string const& path);
  // "GET /api/me 200 trace_id=<32 hex> span_id=<16 hex>" (or "trace_id=- span_id=-"); any thread.
  void write(http_request const& request, http_reply const& reply);

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

}  // namespace isuchair::webapp
