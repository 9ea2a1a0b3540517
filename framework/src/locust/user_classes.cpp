#include "user_classes.hpp"

#include <boost/asio/co_spawn.hpp>

#include "candar/context/spawn.hpp"

namespace candar::locust {

namespace asio = boost::asio;

namespace {
constexpr std::size_t max_exception_messages = 10;  // per report: the master's table needs a few, not each one
}

user_classes::user_classes(runtime& rt, context const& parent, worker_config const& options, request_stats& stats)
    : runtime_(rt), parent_(parent), options_(options), stats_(stats), users_ctx_(parent.with_cancel()) {}

user_classes::~user_classes() { stop(); }

std::vector<std::string> user_classes::set(std::map<std::string, std::int64_t> const& counts) {
  std::vector<std::string> unknown;
  for (auto& [name, cls] : classes_) {
    if (!counts.contains(name)) {
      cls.count = 0;
      cls.users->set_parallelism(0);
    }
  }
  for (auto const& [name, count] : counts) {
    if (auto it = classes_.find(name); it != classes_.end()) {
      it->second.count = count;
      it->second.users->set_parallelism(count);
      continue;
    }
    user_flow flow;
    if (auto f = options_.flows.find(name); f != options_.flows.end()) {
      flow = f->second;
    } else {
      flow = options_.default_flow;
    }
    if (!flow) {
      unknown.push_back(name);
      continue;
    }
    auto& cls = classes_[name];
    cls.count = count;
    cls.users = std::make_unique<candar::worker>(
        runtime_, [flow, this](context const& c, std::int64_t) { return flow(c, stats_); },
        candar::worker_options{.parallelism = count});
    {
      std::lock_guard lock(mutex_);
      ++running_;
    }
    auto on_exception = [this](std::exception_ptr const& e) {
      auto what = exception_message(e);
      std::lock_guard lock(mutex_);
      ++exception_count_;
      if (exception_messages_.size() < max_exception_messages) exception_messages_.push_back(std::move(what));
    };
    asio::co_spawn(runtime_.executor(0), cls.users->process(users_ctx_, on_exception),
                   [this](std::exception_ptr const&) {
                     std::lock_guard lock(mutex_);
                     if (--running_ == 0) all_stopped_.notify_all();
                   });
  }
  return unknown;
}

void user_classes::stop(std::function<void()> const& while_waiting) {
  users_ctx_.cancel();
  auto const began = std::chrono::steady_clock::now();
  bool named = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (all_stopped_.wait_for(lock, std::chrono::milliseconds(100), [this] { return running_ == 0; })) break;
    }
    if (while_waiting) while_waiting();
    if (!named && std::chrono::steady_clock::now() - began > std::chrono::seconds(10)) {
      named = true;
      // The users cannot be left behind: their flows use this object. Waiting on is all there is to do.
      if (options_.log) {
        options_.log(
            "users have not stopped 10s after they were told to: a flow that does not end when its "
            "context ends (a blocking call, or a loop that never awaits) holds the worker");
      }
    }
  }
  classes_.clear();
  users_ctx_ = parent_.with_cancel();
}

std::map<std::string, std::int64_t> user_classes::counts() const {
  std::map<std::string, std::int64_t> out;
  for (auto const& [name, cls] : classes_) out[name] = cls.count;
  return out;
}

std::vector<std::string> user_classes::take_exceptions() {
  std::lock_guard lock(mutex_);
  return std::exchange(exception_messages_, {});
}

std::int64_t user_classes::exceptions() const {
  std::lock_guard lock(mutex_);
  return exception_count_;
}

}  // namespace candar::locust
