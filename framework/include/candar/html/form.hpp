#pragma once
// An HTML form as a browser submits it: its method, action (resolved), enctype, and the entries its controls
// give (HTML "constructing the entry list": named, enabled controls; checked checkboxes and radios; the
// selected options, or a single select's first; textareas; hidden inputs; a file input as an empty file until
// one is attached). Change entries, then submit() builds the request a click on a submit button sends.
//
//   auto login = html::form::find(page, "form#login");          // nullopt: the page has no such form
//   login->set("account_name", u.name).set("password", u.password);
//   auto res = co_await login->submit(agent).send();             // csrf_token and other hidden fields go along
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "candar/agent/agent.hpp"
#include "candar/agent/form_data.hpp"
#include "candar/html/document.hpp"

namespace candar::html {

class form {
 public:
  // Throws std::invalid_argument unless `e` is a <form>.
  explicit form(element const& e);
  // The first element matching `selector` in `doc`, as a form; nullopt when none matches or it is no form.
  [[nodiscard]] static std::optional<form> find(document const& doc, std::string_view selector = "form");

  [[nodiscard]] std::string const& method() const noexcept { return method_; }    // "GET" or "POST"
  [[nodiscard]] std::string const& action() const noexcept { return action_; }    // absolute URL
  [[nodiscard]] std::string const& enctype() const noexcept { return enctype_; }  // one of the three
  [[nodiscard]] form_data const& entries() const noexcept { return entries_; }
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const { return entries_.get(name); }
  // Names of the submit buttons (what submit() may be given).
  [[nodiscard]] std::vector<std::string> buttons() const;

  // Sets the first entry of that name (appends one when the form has none: a field a script would add).
  form& set(std::string_view name, std::string_view value);
  form& remove(std::string_view name);
  // A file chosen for the file input `name`.
  form& attach(std::string_view name, std::string_view filename, std::string_view content_type, std::string_view bytes);

  // The request submitting the form through `submitter` (a submit button's name; empty: the form's default
  // button, the first, as pressing Enter uses), whose name=value goes along and whose formaction,
  // formmethod and formenctype apply. GET puts the entries in the action's query; POST sends them as the
  // enctype says. Throws std::invalid_argument for a submitter the form does not have.
  [[nodiscard]] request submit(agent& a, std::string_view submitter = {}) const;

 private:
  struct button {
    std::string name{};
    std::string value{};
    bool image = false;
    std::optional<std::string> action, method, enctype;
    std::size_t position = 0;  // the entries before it in tree order (where its own entry goes)
  };
  std::string method_ = "GET";
  std::string action_;
  std::string enctype_ = "application/x-www-form-urlencoded";
  form_data entries_;
  std::vector<button> buttons_;
};

}  // namespace candar::html
