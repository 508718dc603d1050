#include "policies/batching/batching_policy.hpp"

#include <algorithm>

namespace troupe {

namespace {

class greedy_batching : public batching_policy {
public:
  bool sizes_ahead() const override {
    return true;
  }

  uint32_t batch_size(const batching_snapshot& x) const override {
    return static_cast<uint32_t>(std::min<size_t>(x.max_batch,
                                                  x.queue_length));
  }
};

class fill_batching : public batching_policy {
public:
  bool sizes_ahead() const override {
    return true;
  }

  bool may_wait() const override {
    return true;
  }

  uint32_t batch_size(const batching_snapshot& x) const override {
    auto size = static_cast<uint32_t>(std::min<size_t>(x.max_batch,
                                                       x.queue_length));
    if (size < x.max_batch && x.waited < *longest_wait(x))
      return 0;
    return size;
  }

  /// The SLO share minus the full batch's service time (0 without a
  /// profile: nothing says how long a batch takes).
  std::optional<caf::timespan>
  longest_wait(const batching_snapshot& x) const override {
    if (x.service == nullptr || x.service->empty())
      return caf::timespan{0};
    return std::max(caf::timespan{0},
                    x.stage_slo - x.service->service_time(x.max_batch));
  }
};

class delay_batching : public batching_policy {
public:
  explicit delay_batching(caf::timespan max_queue_delay)
    : max_queue_delay_(max_queue_delay) {
    // nop
  }

  bool may_wait() const override {
    return true;
  }

  bool sizes_ahead() const override {
    return true;
  }

  uint32_t batch_size(const batching_snapshot& x) const override {
    auto size = static_cast<uint32_t>(std::min<size_t>(x.max_batch,
                                                       x.queue_length));
    if (size < x.max_batch && x.waited < max_queue_delay_)
      return 0;
    return size;
  }

  std::optional<caf::timespan>
  longest_wait(const batching_snapshot&) const override {
    return max_queue_delay_;
  }

private:
  caf::timespan max_queue_delay_;
};

class aimd_batching : public batching_policy {
public:
  bool sizes_ahead() const override {
    return true;
  }

  uint32_t batch_size(const batching_snapshot& x) const override {
    auto cap = std::min(cap_, x.max_batch);
    return static_cast<uint32_t>(std::min<size_t>(cap, x.queue_length));
  }

  void observe(uint32_t size, caf::timespan took,
               caf::timespan stage_slo) override {
    if (took <= stage_slo) {
      // Additive increase, only when the cap was the limit: a small batch
      // that was fast says nothing about a larger one.
      if (size >= cap_)
        cap_ = std::min(cap_ + 1, max_cap);
    } else {
      cap_ = std::max(1u, static_cast<uint32_t>(double(cap_) * 0.9));
    }
  }

private:
  static constexpr uint32_t max_cap = 1u << 16;
  uint32_t cap_ = 1;
};

class deadline_batching : public batching_policy {
public:
  uint32_t batch_size(const batching_snapshot& x) const override {
    auto size = static_cast<uint32_t>(std::min<size_t>(x.max_batch,
                                                       x.queue_length));
    if (x.service == nullptr || x.service->empty())
      return size;
    // Service times grow with the batch: the first one that fits, from the
    // largest down.
    while (size > 1 && x.service->service_time(size) > x.oldest_slack)
      --size;
    return size;
  }
};

class upstream_batching : public batching_policy {
public:
  uint32_t batch_size(const batching_snapshot& x) const override {
    return x.upstream_run;
  }

  bool keeps_upstream_batches() const override {
    return true;
  }
};

} // namespace

std::optional<batching_kind> parse_batching_kind(const std::string& text) {
  for (auto x : {batching_kind::greedy, batching_kind::fill,
                 batching_kind::delay, batching_kind::aimd,
                 batching_kind::deadline, batching_kind::upstream})
    if (text == to_string(x))
      return x;
  return std::nullopt;
}

const char* to_string(batching_kind x) {
  switch (x) {
    case batching_kind::fill:
      return "fill";
    case batching_kind::delay:
      return "delay";
    case batching_kind::aimd:
      return "aimd";
    case batching_kind::deadline:
      return "deadline";
    case batching_kind::upstream:
      return "upstream";
    default:
      return "greedy";
  }
}

const char* batching_kind_names() {
  return "greedy, fill, delay, aimd, deadline, upstream";
}

std::unique_ptr<batching_policy>
make_batching_policy(const batching_options& options) {
  switch (options.kind) {
    case batching_kind::fill:
      return std::make_unique<fill_batching>();
    case batching_kind::delay:
      return std::make_unique<delay_batching>(options.max_queue_delay);
    case batching_kind::aimd:
      return std::make_unique<aimd_batching>();
    case batching_kind::deadline:
      return std::make_unique<deadline_batching>();
    case batching_kind::upstream:
      return std::make_unique<upstream_batching>();
    default:
      return std::make_unique<greedy_batching>();
  }
}

} // namespace troupe
