#pragma once
// A response's header fields in the order received, each name as the server wrote it (lookups ignore case).
// One buffer holds all their text and a small table points into it: a response's dozen fields cost two
// allocations, where a vector of string pairs cost one per long value plus its own (callgrind put building
// those pairs at the top of the cost of reading a response).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candar {

namespace detail {
class response_parser;
}

class header_fields {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;  // name, value: valid until the next change

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = header_fields::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_type;

    const_iterator() = default;
    value_type operator*() const { return (*fields_)[index_]; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      auto before = *this;
      ++index_;
      return before;
    }
    friend bool operator==(const_iterator const& a, const_iterator const& b) { return a.index_ == b.index_; }

   private:
    friend class header_fields;
    const_iterator(header_fields const* fields, std::size_t index) : fields_(fields), index_(index) {}
    header_fields const* fields_ = nullptr;
    std::size_t index_ = 0;
  };

  header_fields() = default;
  header_fields(std::initializer_list<value_type> fields);

  void add(std::string_view name, std::string_view value);
  // Continues the last field's value after a space (an obsolete folded line). There must be a last field.
  void extend_last(std::string_view more);
  // Removes every field of that name.
  void remove(std::string_view name);
  void reserve(std::size_t fields, std::size_t text_bytes);
  void clear() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] value_type operator[](std::size_t i) const;
  [[nodiscard]] const_iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] const_iterator end() const noexcept { return {this, entries_.size()}; }

  // The first value of that name, matched case-insensitively.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  // Every value of that name (e.g. Set-Cookie), in order.
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;

  // The same fields in the same order, names compared as written.
  friend bool operator==(header_fields const& a, header_fields const& b);

 private:
  // The parser keeps a copy of the whole header block and points the fields into it: one copy per response,
  // none per field. `name` and `value` given to add_held must lie in the text that hold() returned.
  friend class detail::response_parser;
  std::string_view hold(std::string_view block);
  // A field whose name and value lie in `block`, which is kept by keep() once all its fields are added.
  void add_in(char const* block, std::string_view name, std::string_view value) {
    auto const offset = [block](std::string_view part) { return static_cast<std::uint32_t>(part.data() - block); };
    entries_.push_back({offset(name), static_cast<std::uint32_t>(name.size()), offset(value),
                        static_cast<std::uint32_t>(value.size())});
  }
  void keep(std::string_view block) { text_.assign(block); }
  void add_held(std::string_view name, std::string_view value) {
    auto const offset = [this](std::string_view part) {
      return static_cast<std::uint32_t>(part.data() - text_.data());
    };
    entries_.push_back({offset(name), static_cast<std::uint32_t>(name.size()), offset(value),
                        static_cast<std::uint32_t>(value.size())});
  }

  struct entry {
    std::uint32_t name_at{};
    std::uint32_t name_size{};
    std::uint32_t value_at{};
    std::uint32_t value_size{};
  };
  std::string text_;
  std::vector<entry> entries_;
};

}  // namespace candar
