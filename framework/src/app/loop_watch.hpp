#pragma once
// How late the runtime's event loops run: a timer on each loop every `period` notes how long after its time
// it fired (the loop's lag: a request scheduled then would have started that late). The app's control thread
// takes the worst lag of each second for the timeline and for the saturation check (saturation.hpp).
//
// For testing that check, `starve` = f makes every loop busy-wait f of each second while starve(true) holds
// (the app turns it on for the Load phase), as a scenario that burns CPU would: the ticks in it come late.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace candar {
class runtime;
}

namespace candar::detail {

class loop_watch {
 public:
  explicit loop_watch(runtime& rt, std::chrono::milliseconds period = std::chrono::milliseconds(100),
                      double starve = 0);
  ~loop_watch();
  loop_watch(loop_watch const&) = delete;
  loop_watch& operator=(loop_watch const&) = delete;

  void starve(bool on) noexcept;
  // The worst lag of any loop since the last call (then forgotten). Any thread.
  [[nodiscard]] std::chrono::microseconds take_max_lag() noexcept;

 private:
  struct probe {
    std::atomic<std::int64_t> max_lag_us{0};
    std::atomic<bool> stopped{false};
    std::atomic<bool> starving{false};
  };
  std::vector<std::shared_ptr<probe>> probes_;
};

}  // namespace candar::detail
