#pragma once
// The buffer a connection reads a response into, lent for one response: taken from this thread's spares so
// that a load loop does not allocate one per request, and given back after, so that idle connections (a run
// may hold tens of thousands) hold none.
#include <cstddef>
#include <memory>
#include <vector>

namespace candar::detail {

class read_buffer {
 public:
  static constexpr std::size_t size = 16 * 1024;
  static constexpr std::size_t spares_kept = 64;  // per thread: more than a loop's requests in flight, usually

  read_buffer() {
    if (spares().empty()) {
      data_.reset(new char[size]);  // not zero-filled: it is written before it is read
    } else {
      data_ = std::move(spares().back());
      spares().pop_back();
    }
  }
  ~read_buffer() {
    if (spares().size() < spares_kept) spares().push_back(std::move(data_));
  }
  read_buffer(read_buffer const&) = delete;
  read_buffer& operator=(read_buffer const&) = delete;
  char* data() noexcept { return data_.get(); }

 private:
  static std::vector<std::unique_ptr<char[]>>& spares() {
    thread_local std::vector<std::unique_ptr<char[]>> kept;
    return kept;
  }
  std::unique_ptr<char[]> data_;
};

}  // namespace candar::detail
