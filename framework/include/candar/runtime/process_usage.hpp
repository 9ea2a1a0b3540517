#pragma once
// What this process has used, for the figures a load generator prints about itself (candar load's requests
// per CPU-second, the ready main's CPU share, a Locust worker's heartbeat).
#include <cstdint>

namespace candar {

// User plus system CPU time of the whole process (all threads) since it started, in seconds.
double process_cpu_seconds() noexcept;
// Resident memory of the process in bytes (/proc/self/statm), or 0 where it cannot be read.
std::int64_t process_resident_bytes() noexcept;

}  // namespace candar
