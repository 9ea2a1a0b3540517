#pragma once
// A load generator holds a descriptor per connection, and Debian's default soft limit of 1024 open files is
// reached by a few hundred users with a page's parallel connections. As Go does at the start of every program
// (since 1.19), candar's ready main and the candar command raise the soft limit to the hard one; a program of
// an author's own can call this at its start. What stays out of reach is reported as the benchmarker's own
// failure (codes::benchmarker), never as the webapp's.
#include <cstdint>

namespace candar {

// Raises the soft RLIMIT_NOFILE to the hard limit (at most 2^20). Returns the soft limit now in force.
std::uint64_t raise_open_files_limit() noexcept;

}  // namespace candar
