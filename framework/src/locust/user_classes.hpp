#pragma once
// The users a Locust master asked this worker for: one candar::worker per user class, whose parallelism is the
// class's user count, running the class's flow iteration after iteration on the runtime's loops. Called from
// the worker's session thread only; the users themselves run on the loops.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "candar/context/context.hpp"
#include "candar/locust/worker.hpp"
#include "candar/worker/worker.hpp"

namespace candar::locust {

class user_classes {
 public:
  user_classes(runtime& rt, context const& parent, worker_config const& options, request_stats& stats);
  ~user_classes();  // stops every user
  user_classes(user_classes const&) = delete;
  user_classes& operator=(user_classes const&) = delete;

  // Runs exactly `counts` users per class from now on (classes left out: none). Returns the classes this
  // worker has no flow for; they run no user.
  std::vector<std::string> set(std::map<std::string, std::int64_t> const& counts);
  // Stops every user, and returns once none is running; `while_waiting` is called every 100 ms meanwhile. A
  // flow still running 10 s after its context ended is named in the worker's log, once.
  void stop(std::function<void()> const& while_waiting = {});

  // The users asked for per class (the classes known to this worker only), as reported to the master.
  [[nodiscard]] std::map<std::string, std::int64_t> counts() const;
  // Messages of the flows' exceptions since the last call (the first few), and how many there were in all.
  [[nodiscard]] std::vector<std::string> take_exceptions();
  [[nodiscard]] std::int64_t exceptions() const;

 private:
  struct user_class {
    std::unique_ptr<candar::worker> users;
    std::int64_t count = 0;
  };

  runtime& runtime_;
  context const parent_;
  worker_config const& options_;
  request_stats& stats_;
  context users_ctx_;
  std::map<std::string, user_class, std::less<>> classes_;

  mutable std::mutex mutex_;  // guards what the loops touch: the running count and the exceptions
  std::condition_variable all_stopped_;
  std::int64_t running_ = 0;  // worker processes not yet returned
  std::vector<std::string> exception_messages_;
  std::int64_t exception_count_ = 0;
};

}  // namespace candar::locust
