#include "messages/error.hpp"

#include <caf/message.hpp>
#include <caf/make_message.hpp>

namespace troupe {

std::string to_string(errc x) {
  switch (x) {
    case errc::none:
      return "none";
    case errc::batch_too_large:
      return "batch_too_large";
    case errc::invalid_payload:
      return "invalid_payload";
    case errc::replica_lost:
      return "replica_lost";
    case errc::queue_full:
      return "queue_full";
    case errc::deadline_expired:
      return "deadline_expired";
    case errc::deadline_unreachable:
      return "deadline_unreachable";
    case errc::cancelled:
      return "cancelled";
    case errc::aborted:
      return "aborted";
    case errc::no_route:
      return "no_route";
    case errc::model_error:
      return "model_error";
    case errc::stalled:
      return "stalled";
    case errc::node_unreachable:
      return "node_unreachable";
  }
  return "unknown_error";
}

bool is_retryable(errc x) {
  switch (x) {
    case errc::replica_lost:
    case errc::queue_full:
    case errc::deadline_expired:
    case errc::deadline_unreachable:
    case errc::cancelled:
    case errc::aborted:
    case errc::node_unreachable:
      return true;
    default:
      return false;
  }
}

caf::error make_error(errc x) {
  return caf::error{static_cast<uint8_t>(x), error_category};
}

caf::error make_error(errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), error_category,
                    caf::make_message(std::move(context))};
}

} // namespace troupe
