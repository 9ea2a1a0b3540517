#pragma once
// A small tinysns webapp for the guide's benchmarker (benchmarker/tinysns): login through a form with a CSRF
// token, a timeline, posts with an image (multipart), the images, and a stylesheet read from the contest's
// static folder. Honest by default; a cheat switch makes it skip work the way a contestant might.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/http_server.hpp"

namespace candar::test {

class tinysns_server {
 public:
  enum class cheat {
    none,
    placeholder_images,  // every image is the same few bytes (no storage, no I/O)
    no_csrf_check,       // accepts a login whose CSRF token is wrong
    stale_timeline,      // answers every timeline with the first one it served
  };

  tinysns_server(std::string stylesheet, cheat c = cheat::none);
  [[nodiscard]] std::string url() const { return server_.url(); }
  [[nodiscard]] std::size_t posts() const;

 private:
  reply handle(seen_request const& r);

  struct post {
    std::string user;
    std::string body;
    std::string image;
  };
  struct session {
    std::string csrf;
    std::string user;  // empty until logged in
  };

  std::string const stylesheet_;
  cheat const cheat_;
  mutable std::mutex mutex_;
  std::map<std::string, session> sessions_;
  std::vector<post> posts_;
  std::optional<std::string> frozen_timeline_;  // stale_timeline: the first timeline served, forever
  int next_session_ = 0;
  http_server server_;  // last: it stops (and stops calling handle) before the state goes
};

}  // namespace candar::test
