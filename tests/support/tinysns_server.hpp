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
    memory_only,         // keeps posts in memory, never in the database: a restart loses them
    // Hostile answers (tinysns_hostile_test): what a broken or cheating webapp may send the benchmarker.
    deep_page,           // the timeline preceded by 100,000 nested <div>s
    huge_attribute,      // the timeline carries a 10 MB attribute
    many_links,          // the timeline holds 300,000 links (12 MB, above the parser's 200,000 elements)
    latin1_header,       // every answer carries X-Note: caf\xe9 (Latin-1, not UTF-8)
    gzip_bomb,           // the timeline is 64 KB of gzip that inflates to 80 MB
    dormant_formatting,  // 100 <b>s of 100 KB left open in a <div>, then 1,900 paragraphs: 10 MB that a parser
                         // copies into each paragraph (19 GB)
  };

  struct post {
    std::string user;
    std::string body;
    std::string image;
  };
  // What outlives a restart: the posts. A restart is a new server on the same database (one server at a time).
  struct database {
    std::vector<post> posts;
  };

  explicit tinysns_server(std::string stylesheet, cheat c = cheat::none,
                          std::shared_ptr<database> db = std::make_shared<database>());
  [[nodiscard]] std::string url() const { return server_.url(); }
  [[nodiscard]] std::size_t posts() const;

 private:
  reply handle(seen_request const& r);
  reply answer(seen_request const& r);
  // The hostile cheats' change to the timeline page.
  void make_hostile(reply& timeline) const;
  std::vector<post>& stored() { return cheat_ == cheat::memory_only ? in_memory_ : db_->posts; }
  struct session {
    std::string csrf;
    std::string user;  // empty until logged in
  };

  std::string const stylesheet_;
  cheat const cheat_;
  mutable std::mutex mutex_;
  std::map<std::string, session> sessions_;
  std::shared_ptr<database> const db_;
  std::vector<post> in_memory_;                 // memory_only: the posts, never written to db_
  std::optional<std::string> frozen_timeline_;  // stale_timeline: the first timeline served, forever
  int next_session_ = 0;
  http_server server_;  // last: it stops (and stops calling handle) before the state goes
};

}  // namespace candar::test
