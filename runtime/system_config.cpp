#include "runtime/system_config.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include <caf/atom.hpp>
#include <caf/message.hpp>

#include "messages/error.hpp"
#include "actors/client.hpp"
#include "actors/frontend.hpp"
#include "actors/join.hpp"
#include "actors/replica.hpp"
#include "actors/scaler.hpp"
#include "actors/sink.hpp"
#include "messages/interfaces.hpp"

namespace troupe {

system_config::system_config(clock_kind clock, size_t threads) {
  add_message_types<caf::id_block::troupe>();
  add_error_category(error_category, [](uint8_t code, caf::atom_value,
                                        const caf::message& context) {
    auto text = to_string(static_cast<errc>(code));
    if (context.match_elements<std::string>())
      text += ": " + context.get_as<std::string>(0);
    return text;
  });
  if (clock == clock_kind::virtual_time) {
    set("scheduler.policy", caf::atom("testing"));
    return;
  }
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  set("scheduler.max-threads", threads);
  // An idle worker spins briefly, then sleeps on a condition variable that a
  // message from outside the scheduler (a detached replica's results)
  // notifies. CAF's middle phase of 50 us sleeps between polls instead made
  // that hand-off take about 60 us at the median (timer slack included).
  set("work-stealing.moderate-poll-attempts", size_t{0});
}

} // namespace troupe
