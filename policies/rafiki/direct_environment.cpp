#include "policies/rafiki/direct_environment.hpp"

#include <algorithm>

namespace troupe::rafiki {

direct_outcome run_direct(step_controller& steps,
                          const std::vector<int64_t>& arrivals_ns) {
  direct_outcome result;
  // The queue is arrivals_ns[head, tail): served from the front, joined at
  // the back, in arrival order.
  size_t head = 0;
  size_t tail = 0;
  auto total = arrivals_ns.size();
  int64_t ask_at = 0;
  for (;;) {
    int64_t now = 0;
    if (head == tail) {
      // Nothing waits: the next question comes with the next arrival.
      if (tail == total)
        break;
      now = arrivals_ns[tail];
    } else {
      now = ask_at;
    }
    while (tail < total && arrivals_ns[tail] <= now)
      ++tail;
    queue_view q{tail - head, arrivals_ns.data() + head, tail - head};
    auto answer = steps.check(now, q);
    if (answer.exhausted) {
      result.exhausted = true;
      break;
    }
    if (answer.batch_size > 0) {
      head += std::min<size_t>(answer.batch_size, tail - head);
      ask_at = now;
    } else {
      ask_at = now + std::max<int64_t>(1, answer.retry_after_ns);
    }
  }
  result.arrived = tail;
  result.served = head;
  return result;
}

} // namespace troupe::rafiki
