#pragma once
// A small RAII layer over SQLite: one connection, prepared statements with bound values, errors as exceptions.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

struct sqlite3;
struct sqlite3_stmt;

namespace isuchair::webapp {

class database_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(statement const&) = delete;
  statement& operator=(statement const&) = delete;

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view value);
  statement& bind_null(int index);
  // True while there is a row to read.
  bool step();
  void reset();
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class database {
 public:
  explicit database(std::string const& path);
  ~database();
  database(database const&) = delete;
  database& operator=(database const&) = delete;

  void exec(std::string_view sql);
  // Replaces this database's content with the file's, when the file exists (the memory-only fault's start).
  void load_from(std::string const& path);
  [[nodiscard]] statement prepare(std::string_view sql) { return statement(db_, sql); }
  // The single integer a query returns, or nullopt when it returns no row.
  std::optional<std::int64_t> scalar(std::string_view sql, std::int64_t arg);
  [[nodiscard]] std::int64_t last_insert_id() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace isuchair::webapp
