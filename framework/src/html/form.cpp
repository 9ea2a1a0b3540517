#include "candar/html/form.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace candar::html {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string collapsed(std::string_view s) {
  std::string out;
  for (char const c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// HTML: lone CR, lone LF and CRLF all become CRLF in submitted names and values.
std::string crlf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += "\r\n";
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (s[i] == '\n') {
      out += "\r\n";
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string method_of(std::string_view v) { return lower(v) == "post" ? "POST" : "GET"; }

std::string enctype_of(std::string_view v) {
  auto l = lower(v);
  if (l == "multipart/form-data" || l == "text/plain") return l;
  return "application/x-www-form-urlencoded";
}

// Whether `e` is disabled as a form control: its own attribute or an ancestor <fieldset disabled> (the
// controls inside that fieldset's first <legend> stay enabled).
bool disabled(element const& e) {
  if (e.has_attr("disabled")) return true;
  std::optional<element> child = e;
  for (auto p = e.parent(); p; child = p, p = p->parent()) {
    if (p->tag() == "fieldset" && p->has_attr("disabled")) {
      auto const legends = p->children();
      auto const first_legend =
          std::find_if(legends.begin(), legends.end(), [](element const& k) { return k.tag() == "legend"; });
      if (first_legend == legends.end() || !(*first_legend == *child)) return true;
    }
  }
  return false;
}

bool inside(element const& e, element const& ancestor) {
  for (auto p = e.parent(); p; p = p->parent()) {
    if (*p == ancestor) return true;
  }
  return false;
}

}  // namespace

form::form(element const& e) {
  if (e.tag() != "form") throw std::invalid_argument(fmt::format("html::form: <{}> is not a form", e.tag()));
  method_ = method_of(e.attr("method").value_or(""));
  enctype_ = enctype_of(e.attr("enctype").value_or(""));
  // An empty or missing action submits to the document's own URL (not the base URL).
  action_ = e.attr("action").value_or("").empty() ? e.document_url() : e.url_attr("action");
  auto const id = std::string(e.id());

  // Every control of the document in tree order whose form owner is this form: inside it without a form=
  // attribute, or anywhere with form= naming its id.
  auto const root = e.parent() ? [&] {
    element top = e;
    while (auto p = top.parent()) top = *p;
    return top;
  }()
                               : e;
  std::set<std::string> radio_groups;
  for (auto const& c : root.select("input, select, textarea, button")) {
    auto const owner = c.attr("form");
    bool const owned = owner ? (!id.empty() && *owner == id) : inside(c, e);
    if (!owned || disabled(c)) continue;
    auto const name = std::string(c.attr("name").value_or(""));
    auto const tag = c.tag();
    auto const type = lower(c.attr("type").value_or(tag == "button" ? "submit" : "text"));
    // A <button> of no or an unknown type is a submit button (HTML: the type's invalid value default).
    bool const submits =
        tag == "input" ? (type == "submit" || type == "image") : tag == "button" && type != "button" && type != "reset";
    if (submits) {
      button b{name, std::string(c.attr("value").value_or("")), type == "image", {}, {}, {}, entries_.fields().size()};
      // An empty formaction, as an empty action, submits to the document's own URL.
      if (auto v = c.attr("formaction")) b.action = v->empty() ? c.document_url() : c.url_attr("formaction");
      if (auto v = c.attr("formmethod")) b.method = method_of(*v);
      if (auto v = c.attr("formenctype")) b.enctype = enctype_of(*v);
      buttons_.push_back(std::move(b));
      continue;
    }
    if (name.empty()) continue;
    if (tag == "input") {
      if (type == "reset" || type == "button") continue;
      if ((type == "checkbox" || type == "radio") && !c.has_attr("checked")) continue;
      if (type == "radio" && !radio_groups.insert(name).second) {
        entries_.set(name, c.attr("value").value_or("on"));  // a later checked radio unchecks the group's others
        continue;
      }
      if (type == "file") {
        entries_.add_file(name, "", "application/octet-stream", "");
        continue;
      }
      auto const fallback = type == "checkbox" || type == "radio" ? "on" : "";
      entries_.add(name, c.attr("value").value_or(fallback));
    } else if (tag == "select") {
      auto const options = c.select("option");
      std::vector<element> chosen;
      for (auto const& o : options) {
        if (o.has_attr("selected") && !disabled(o)) chosen.push_back(o);
      }
      // A drop-down (single, size 1) shows its first enabled option when none is selected, and submits it; a
      // list box submits nothing then.
      auto const size = c.attr("size") ? std::atoi(std::string(*c.attr("size")).c_str()) : 1;
      if (chosen.empty() && !c.has_attr("multiple") && size <= 1) {
        auto const first = std::find_if(options.begin(), options.end(), [](element const& o) { return !disabled(o); });
        if (first != options.end()) chosen.push_back(*first);
      }
      if (!c.has_attr("multiple") && chosen.size() > 1) chosen.erase(chosen.begin(), chosen.end() - 1);
      for (auto const& o : chosen) {
        entries_.add(name, o.attr("value") ? std::string(*o.attr("value")) : collapsed(o.text()));
      }
    } else if (tag == "textarea") {
      entries_.add(name, c.text());
    }
  }
}

std::optional<form> form::find(document const& doc, std::string_view selector) {
  auto const e = doc.first(selector);
  if (!e || e->tag() != "form") return std::nullopt;
  return form(*e);
}

std::vector<std::string> form::buttons() const {
  std::vector<std::string> names;
  names.reserve(buttons_.size());
  for (auto const& b : buttons_) names.push_back(b.name);
  return names;
}

form& form::set(std::string_view name, std::string_view value) {
  entries_.set(name, value);
  return *this;
}

form& form::remove(std::string_view name) {
  entries_.remove(name);
  return *this;
}

form& form::attach(std::string_view name, std::string_view filename, std::string_view content_type,
                   std::string_view bytes) {
  form_data next;
  bool replaced = false;
  for (auto const& f : entries_.fields()) {
    if (!replaced && f.name == name && f.filename) {
      next.add_file(name, filename, content_type, bytes);
      replaced = true;
    } else if (f.filename) {
      next.add_file(f.name, *f.filename, f.content_type, f.value);
    } else {
      next.add(f.name, f.value);
    }
  }
  if (!replaced) next.add_file(name, filename, content_type, bytes);
  entries_ = std::move(next);
  return *this;
}

request form::submit(agent& a, std::string_view submitter) const {
  button const* pressed = nullptr;
  if (submitter.empty()) {
    if (!buttons_.empty()) pressed = &buttons_.front();
  } else {
    auto const it =
        std::find_if(buttons_.begin(), buttons_.end(), [&](button const& b) { return b.name == submitter; });
    if (it == buttons_.end())
      throw std::invalid_argument(fmt::format("html::form: no submit button named '{}'", submitter));
    pressed = &*it;
  }
  auto const method = pressed != nullptr && pressed->method ? *pressed->method : method_;
  auto const enctype = pressed != nullptr && pressed->enctype ? *pressed->enctype : enctype_;
  auto const action = pressed != nullptr && pressed->action ? *pressed->action : action_;

  form_data sent;
  // The submitter's entry goes where the button stands among the controls (tree order); an image button adds
  // the click's coordinates, under its name or bare.
  auto add_submitter = [&] {
    if (pressed == nullptr) return;
    if (pressed->image) {
      auto const prefix = pressed->name.empty() ? std::string() : pressed->name + ".";
      sent.add(prefix + "x", "0").add(prefix + "y", "0");
    } else if (!pressed->name.empty()) {
      sent.add(pressed->name, pressed->value);
    }
  };
  auto const& fields = entries_.fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (pressed != nullptr && pressed->position == i) add_submitter();
    auto const& f = fields[i];
    if (f.filename) {
      sent.add_file(crlf(f.name), *f.filename, f.content_type, f.value);
    } else {
      sent.add(crlf(f.name), crlf(f.value));
    }
  }
  if (pressed != nullptr && pressed->position >= fields.size()) add_submitter();

  if (method == "GET") {
    // The entries replace the action's query, urlencoded (a file as its name).
    // `action` is resolved already (no fragment): its query is what follows the first '?'.
    std::string target = action.substr(0, action.find('?'));
    target.append("?").append(sent.urlencoded().content);
    return a.get(target);
  }
  auto req = a.post(action);
  if (enctype == "multipart/form-data") {
    req.multipart(std::move(sent));
  } else if (enctype == "text/plain") {
    std::string body;
    for (auto const& f : sent.fields()) body += f.name + "=" + (f.filename ? *f.filename : f.value) + "\r\n";
    req.body(body, "text/plain");
  } else {
    req.form(std::move(sent));
  }
  return req;
}

}  // namespace candar::html
