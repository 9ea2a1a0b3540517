#pragma once
// Virtual users that come back: each user keeps one agent (cookies, cache, connections) across their flows, is
// in at most one flow at a time, and leaves the pool when the benchmarker no longer knows their state.
//
//   user_pool<member> users({.base_url = target, .metrics = &b.result().metrics()});   // b: the benchmark
//   users.add(member{"alice", "pw"});                  // any thread, any time (new users join as they register)
//   ... in a worker's iteration:
//   auto u = users.take();                             // a free user of this loop, or none (all busy)
//   if (!u) { co_await sleep(s.context(), 50ms); co_return; }   // wait a little: do not spin
//   co_await u->agent.get("/").send();                 // the same browser as last time: a returning visitor
//   if (lost) u.retire();                              // e.g. no answer to a write: the model cannot know
//                                                      // (otherwise the user goes back when `u` goes away,
//                                                      // closing their idle connections: see give_back())
//
// An agent lives on one event loop, so a user belongs to the loop of their first flow; take() gives only users
// of the calling loop (or new ones). Flows spread round-robin over the loops by the worker keep the loops'
// users balanced; a loop whose users are all busy gets nothing, as a pool with every user busy would.
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "candar/agent/agent.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {

template <class User>
class user_pool {
 public:
  // A user and their browser.
  struct member {
    User user;
    candar::agent agent;
    member(User u, agent_options const& o) : user(std::move(u)), agent(o) {}
  };

  // A user taken from the pool, or none (false): given back when it goes away, unless retired.
  class lease {
   public:
    lease() = default;
    lease(lease&& o) noexcept
        : pool_(std::exchange(o.pool_, nullptr)), slot_(o.slot_), member_(o.member_), retired_(o.retired_) {}
    lease& operator=(lease&&) = delete;
    lease(lease const&) = delete;
    ~lease() { give_back(); }
    explicit operator bool() const noexcept { return pool_ != nullptr; }
    member& operator*() const noexcept { return *member_; }
    member* operator->() const noexcept { return member_; }
    // This user's state is no longer known (no answer to a write, a wrong body): they leave the pool, and
    // their agent is closed when the lease goes away.
    void retire() noexcept { retired_ = true; }
    // Ends the lease now (the user goes back, or leaves if retired).
    void give_back() {
      auto* const m = std::exchange(member_, nullptr);  // the user may be in another flow once released
      auto* const p = std::exchange(pool_, nullptr);
      if (p == nullptr) return;
      // A user between visits holds no connection, as a visitor who left the site: thousands of returning
      // users would otherwise keep thousands of idle keep-alive connections and run the benchmarker (and the
      // webapp) out of file descriptors. Still this lease's alone here, on the agent's own loop.
      if (!retired_ && m != nullptr) m->agent.close_idle();
      p->release(slot_, retired_);
    }

   private:
    friend class user_pool;
    lease(user_pool* p, std::size_t slot, member* m) : pool_(p), slot_(slot), member_(m) {}
    user_pool* pool_ = nullptr;
    std::size_t slot_ = 0;
    member* member_ = nullptr;  // taken under the pool's lock: the slot table may grow meanwhile
    bool retired_ = false;
  };

  explicit user_pool(agent_options options = {}) : options_(std::move(options)) {}
  // Each agent is closed on its own loop, or after the loops have stopped: destroy the pool before its runtime
  // (declare it after), with no lease still held.
  ~user_pool() {
    for (auto& s : slots_) {
      if (s.value && s.executor) boost::asio::post(*s.executor, [m = std::shared_ptr<member>(std::move(s.value))] {});
    }
  }
  user_pool(user_pool const&) = delete;
  user_pool& operator=(user_pool const&) = delete;

  // Adds a user who has not visited yet (any thread).
  void add(User u) {
    std::lock_guard lock(mutex_);
    slots_.push_back({std::make_unique<User>(std::move(u)), nullptr, std::nullopt, std::nullopt, state::free});
    newcomers_.push_back(slots_.size() - 1);
  }

  // A free user of the calling loop (the one who waited longest), else a newcomer, who then belongs to this
  // loop; nothing when every such user is busy or gone. Only on a runtime's loop.
  [[nodiscard]] lease take() {
    auto const loop = runtime::current_loop();
    if (!loop) throw std::logic_error("user_pool::take: not on a candar event loop");
    std::unique_ptr<User> fresh;
    std::size_t slot = 0;
    {
      std::lock_guard lock(mutex_);
      if (free_by_loop_.size() <= *loop) free_by_loop_.resize(*loop + 1);
      auto& mine = free_by_loop_[*loop];
      if (!mine.empty()) {
        slot = mine.front();
        mine.pop_front();
        slots_[slot].status = state::busy;
        // Each visit its own trace: a returning user's flow is not their last one.
        slots_[slot].value->agent.new_trace();
        return lease(this, slot, slots_[slot].value.get());
      }
      if (newcomers_.empty()) return lease();
      slot = newcomers_.front();
      newcomers_.pop_front();
      slots_[slot].status = state::busy;
      slots_[slot].loop = *loop;
      slots_[slot].executor = runtime::current_executor();
      fresh = std::move(slots_[slot].pending);
    }
    // The agent is made outside the lock, on this loop: the member is this slot's alone while busy.
    auto m = std::make_unique<member>(std::move(*fresh), options_);
    auto* const taken = m.get();
    std::lock_guard lock(mutex_);
    slots_[slot].value = std::move(m);
    return lease(this, slot, taken);
  }

  [[nodiscard]] std::size_t size() const {
    return count_if_state([](state) { return true; });
  }
  [[nodiscard]] std::size_t busy() const {
    return count_if_state([](state s) { return s == state::busy; });
  }
  [[nodiscard]] std::size_t retired() const {
    return count_if_state([](state s) { return s == state::retired; });
  }
  [[nodiscard]] std::size_t available() const {
    return count_if_state([](state s) { return s == state::free; });
  }

  // Every user still in the pool and not busy, copied (e.g. for Validate to compare with the model).
  [[nodiscard]] std::vector<User> snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<User> out;
    for (auto const& s : slots_) {
      if (s.status != state::free) continue;
      out.push_back(s.value ? s.value->user : *s.pending);
    }
    return out;
  }

 private:
  enum class state { free, busy, retired };
  struct slot {
    std::unique_ptr<User> pending{};                         // a newcomer's data, before their first flow
    std::unique_ptr<member> value{};                         // after it: the user and their agent
    std::optional<std::size_t> loop{};                       // the loop their agent lives on
    std::optional<boost::asio::any_io_executor> executor{};  // and its executor, to close the agent there
    state status = state::free;
  };

  void release(std::size_t slot, bool retire) {
    std::unique_ptr<member> gone;
    std::lock_guard lock(mutex_);
    auto& s = slots_[slot];
    if (retire) {
      s.status = state::retired;
      gone = std::move(s.value);  // closed here, on the user's loop, after the lock is released
      return;
    }
    s.status = state::free;
    free_by_loop_[*s.loop].push_back(slot);
  }

  template <class Pred>
  std::size_t count_if_state(Pred p) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto const& s : slots_) n += p(s.status) ? 1 : 0;
    return n;
  }

  agent_options const options_;
  mutable std::mutex mutex_;
  std::deque<slot> slots_;  // a deque: slots keep their place as users are added
  std::deque<std::size_t> newcomers_;
  std::vector<std::deque<std::size_t>> free_by_loop_;
};

}  // namespace candar
