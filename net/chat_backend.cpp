#include "net/chat_backend.hpp"

namespace grader::net {

std::string_view to_string(chat_failure::kind x) {
  switch (x) {
    case chat_failure::kind::transient:
      return "transient";
    case chat_failure::kind::auth:
      return "auth";
    case chat_failure::kind::not_found:
      return "not_found";
    case chat_failure::kind::bad_request:
      return "bad_request";
    case chat_failure::kind::format_refused:
      return "format_refused";
    case chat_failure::kind::config:
      return "config";
  }
  return "unknown";
}

} // namespace grader::net
