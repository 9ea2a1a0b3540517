#pragma once
// Two log streams: the contestant's (human lines: what the benchmarker did and why) and the admin's (JSON
// lines, for whoever runs the contest). Each goes to its own sink; every method is thread-safe.
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace candar {

class logs {
 public:
  using sink = std::function<void(std::string_view line)>;

  // contestant lines to stdout, admin lines to stderr.
  logs();
  logs(sink contestant, sink admin);

  static sink to_stream(std::ostream& out);  // the stream must outlive the logs
  static sink discard();

  void contestant(std::string_view line);
  void admin(nlohmann::json const& record);

 private:
  std::mutex mutex_;
  sink contestant_;
  sink admin_;
};

}  // namespace candar
