#include "messages/control.hpp"

namespace troupe {

std::string to_string(outcome_kind x) {
  switch (x) {
    case outcome_kind::completed:
      return "completed";
    case outcome_kind::dropped:
      return "dropped";
    case outcome_kind::failed:
      return "failed";
  }
  return "unknown";
}

} // namespace troupe
