#pragma once
// Time the benchmarker's threads were ready to run but waited for a CPU (the scheduler's run-queue wait,
// /proc/self/task/*/schedstat). Neighbours that take the benchmarker's cores leave its own CPU use and its
// loops' lag low (a loop that waits for a CPU is not late by its own clock until it runs): this shows them.
namespace candar::detail {

// Run-queue wait of every thread of this process so far, in seconds; 0 where the kernel does not say.
[[nodiscard]] double process_cpu_wait_seconds() noexcept;

}  // namespace candar::detail
