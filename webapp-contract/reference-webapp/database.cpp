#include "database.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

namespace isuchair::webapp {

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    throw database_error(fmt::format("prepare '{}': {}", sql, sqlite3_errmsg(db)));
  }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool statement::step() {
  auto const rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw database_error(fmt::format("step: {}", sqlite3_errmsg(db_)));
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string statement::text(int column) const {
  auto const* p = sqlite3_column_text(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<char const*>(p));
}

bool statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

database::database(std::string const& path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    std::string const why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw database_error(fmt::format("cannot open database '{}': {}", path, why));
  }
  exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
}

database::~database() { sqlite3_close(db_); }

void database::load_from(std::string const& path) {
  sqlite3* file = nullptr;
  if (sqlite3_open_v2(path.c_str(), &file, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(file);
    return;  // no file yet: nothing to load
  }
  auto* copy = sqlite3_backup_init(db_, "main", file, "main");
  if (copy != nullptr) {
    sqlite3_backup_step(copy, -1);
    sqlite3_backup_finish(copy);
  }
  auto const rc = sqlite3_errcode(db_);
  sqlite3_close(file);
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    throw database_error(fmt::format("load '{}': {}", path, sqlite3_errmsg(db_)));
}

void database::exec(std::string_view sql) {
  char* message = nullptr;
  std::string const text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string const why = message != nullptr ? message : "unknown";
    sqlite3_free(message);
    throw database_error(fmt::format("exec: {}", why));
  }
}

std::optional<std::int64_t> database::scalar(std::string_view sql, std::int64_t arg) {
  statement s(db_, sql);
  s.bind(1, arg);
  if (!s.step()) return std::nullopt;
  return s.integer(0);
}

std::int64_t database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace isuchair::webapp
