// Every message type round-trips through CAF's binary serializer inside a
// caf::message, which fails for a type missing from the type-ID block.

#include <algorithm>

#include <boost/test/unit_test.hpp>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/make_message.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/batch.hpp"
#include "messages/control.hpp"
#include "messages/interfaces.hpp"
#include "messages/scaling.hpp"
#include "actors/client.hpp"
#include "actors/cluster_keeper.hpp"
#include "actors/frontend.hpp"
#include "actors/join.hpp"
#include "actors/replica.hpp"
#include "actors/scaler.hpp"
#include "actors/sink.hpp"
#include "tests/support/virtual_system.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

request sample_request(uint64_t id) {
  request r;
  r.id = id;
  r.arrival = 12345ns;
  r.deadline = 300ms;
  r.input.sample = 7;
  r.input.data = tensor{{1, 28, 28}, {0.5f, -1.25f}};
  r.input.label = 4;
  r.result = output{{2}, {0.25f, 0.75f}, 1};
  r.trace.push_back(stage_visit{3, 2, 16, 1ms, 2ms, 3ms, 700us, 9, 32, 0b101});
  return r;
}

/// Serializes a message and reads it back.
caf::message round_trip_message(caf::actor_system& sys,
                                const caf::message& msg) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  if (auto err = sink(msg))
    BOOST_FAIL("serialization failed: " << sys.render(err));
  caf::message copy;
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(copy))
    BOOST_FAIL("deserialization failed: " << sys.render(err));
  return copy;
}

/// Serializes x inside a caf::message and reads it back.
template <class T>
T round_trip(caf::actor_system& sys, const T& x) {
  caf::message copy = round_trip_message(sys, caf::make_message(x));
  BOOST_REQUIRE(copy.match_elements<T>());
  return copy.get_as<T>(0);
}

struct fixture {
  test::virtual_system vs;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(serialization, fixture)

BOOST_AUTO_TEST_CASE(stage_visit_round_trips) {
  stage_visit x{4, 1, 8, 10ms, 20ms, 30ms};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(payload_round_trips) {
  auto x = sample_request(0).input;
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(request_round_trips) {
  auto x = sample_request(42);
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(batch_round_trips) {
  batch x{2, {sample_request(1), sample_request(2)}};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(replica_idle_round_trips) {
  replica_idle x{9};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(drop_notice_round_trips) {
  drop_notice x{1, errc::queue_full, 5ms, {sample_request(3)}};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(failure_notice_round_trips) {
  failure_notice x{2, make_error(errc::batch_too_large, "batch of 99"), 6ms,
                   {sample_request(4)}};
  auto y = round_trip(vs.sys, x);
  BOOST_CHECK(y == x);
  // The shared configuration's renderer names the error; CAF's default
  // would print only the category and the code.
  BOOST_CHECK_EQUAL(vs.sys.render(y.error), "batch_too_large: batch of 99");
}

BOOST_AUTO_TEST_CASE(client_done_round_trips) {
  client_done x{50000};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(request_outcome_round_trips) {
  request_outcome x{sample_request(5), outcome_kind::failed, 7ms, 3,
                    errc::invalid_payload, "bad shape"};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(run_outcomes_round_trips) {
  run_outcomes x;
  x.sent = 2;
  x.orphaned_results = 1;
  x.records.push_back({sample_request(0), outcome_kind::completed, 9ms,
                       source_stage, errc::none, ""});
  x.records.push_back({sample_request(1), outcome_kind::dropped, 10ms, 0,
                       errc::deadline_expired, ""});
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(scale_order_round_trips) {
  scale_order x{7, 32};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(stage_load_round_trips) {
  stage_load x{2, 3s, 10ms, {4, 0, 9}, 17, 3, 1, 0.125, 5};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

BOOST_AUTO_TEST_CASE(run_protocol_messages_round_trip) {
  run_start start{123456789ns};
  BOOST_CHECK(round_trip(vs.sys, start) == start);
  run_counts counts{50, true, 48, 3};
  BOOST_CHECK(round_trip(vs.sys, counts) == counts);
}

BOOST_AUTO_TEST_CASE(dispatch_messages_round_trip) {
  dispatch_query q{2, 5ms, 17, {9ms, 11ms}, {1ms, 2ms}, 3ms, {0, 3}, 8, 3};
  BOOST_CHECK(round_trip(vs.sys, q) == q);
  dispatch_decision d{4, true, 50ms, true, 3, {0b011, 0b100}};
  BOOST_CHECK(round_trip(vs.sys, d) == d);
}

BOOST_AUTO_TEST_CASE(skipped_batches_round_trip) {
  batch x{3, {sample_request(1)}, true};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
}

// Every spawn option is a value: a coordinator can send it to another node
// (actor handles included) and spawn the actor there.
BOOST_AUTO_TEST_CASE(spawn_options_round_trip) {
  auto log = std::make_shared<std::vector<test::received_batch>>();
  stage_input_actor next = vs.sys.spawn(test::recorder, log, vs.epoch);
  auto sink_handle = vs.sys.spawn(sink, sink_options{2, 10, nullptr});
  profile service{"CPU", 2.5, {{1, 10, 100}, {4, 20, 200}}, {}, {}, {}};
  service.idle_rows = {{1, 15, 80}, {4, 25, 150}};
  service.idle_curve = {{50us, 0.2}, {400us, 1.0}};
  service.handoff = {20us, 90us};
  service.timer_late = {80us, 200us};
  service.spell = {0.4, 3ms};
  service.stalls = {20, {1ms, 3ms}};
  service.stalls.bursts = {0.5, 2ms, 3};
  service.scheduler_stalls = {30, {2ms}};
  replica_options replica_opts;
  replica_opts.stage = 1;
  replica_opts.index = 3;
  replica_opts.service = service;
  replica_opts.service_time = {service_time_kind::lognormal, 77, {0.4, 3ms},
                               78};
  replica_opts.service_time.stalls = service.stalls;
  replica_opts.successors = {next, next};
  replica_opts.sink = sink_handle;
  inference_spec inference;
  inference.model_files = {"zoo/a/model.pt", "zoo/b/model.pt"};
  inference.input_shape = {1, 28, 28};
  inference.classes = 10;
  inference.combine = "vote";
  inference.data_dir = "/data";
  inference.measured = true;
  inference.threads = 3;
  inference.cores = {1, 3};
  inference.warm_up_batch = 16;
  replica_opts.inference = {inference};
  replica_opts.reports_to_frontend = true;
  replica_opts.network_hop = 70us;
  BOOST_CHECK(round_trip(vs.sys, replica_opts) == replica_opts);
  frontend_options frontend_opts;
  frontend_opts.stage = 2;
  frontend_opts.batching = batching_kind::fill;
  frontend_opts.max_batch = 8;
  frontend_opts.stage_slo = 40ms;
  frontend_opts.dropping = drop_kind::estimate;
  frontend_opts.service = service;
  frontend_opts.pool.cold_start = 3s;
  frontend_opts.successors = {next};
  frontend_opts.decision_time = 2ms;
  frontend_opts.sink = sink_handle;
  frontend_opts.joining = {0, 2};
  BOOST_CHECK(round_trip(vs.sys, frontend_opts) == frontend_opts);
  join_options join_opts{4, 3, combine_kind::vote, {next}};
  BOOST_CHECK(round_trip(vs.sys, join_opts) == join_opts);
  sink_options sink_opts{2, 1000, nullptr};
  BOOST_CHECK(round_trip(vs.sys, sink_opts) == sink_opts);
  client_options client_opts;
  client_opts.arrivals = {0ms, 1ms, 5ms};
  client_opts.slo = 300ms;
  client_opts.inputs = {sample_request(0).input};
  client_opts.roots = {next};
  client_opts.sink = sink_handle;
  BOOST_CHECK(round_trip(vs.sys, client_opts) == client_opts);
  scaler_options scaler_opts;
  scaler_opts.spec.policy = scaling_kind::tuner;
  scaler_opts.stages.push_back(
    scaled_stage{1, frontend_actor{}, service, {source_stage}, 120, 8});
  scaler_opts.arrivals = {0ms, 2ms};
  scaler_opts.sink = sink_handle;
  BOOST_CHECK(round_trip(vs.sys, scaler_opts) == scaler_opts);
  cluster_keeper_options keeper_opts;
  keeper_opts.stages = {"a", "b"};
  keeper_opts.nodes = {keeper_node{"n1", "127.0.0.1", 7001, "127.0.0.1:7001"},
                       keeper_node{"n2", "::1", 7002, "[::1]:7002"}};
  keeper_opts.replicas = {
    keeper_replica{1, 2, replica_opts, true, frontend_actor{}}};
  keeper_opts.tls = true;
  keeper_opts.connect_timeout = 3s;
  keeper_opts.spawn_timeout = 9s;
  keeper_opts.retry_interval = 100ms;
  BOOST_CHECK(round_trip(vs.sys, keeper_opts) == keeper_opts);
  caf::scoped_actor self{vs.sys};
  self->send_exit(next, caf::exit_reason::user_shutdown);
  self->send_exit(sink_handle, caf::exit_reason::user_shutdown);
  vs.run_now();
}

BOOST_AUTO_TEST_CASE(cluster_messages_round_trip) {
  served_batch done{3, 17, batch{1, {sample_request(4)}}};
  BOOST_CHECK(round_trip(vs.sys, done) == done);
  auto sink_handle = vs.sys.spawn(sink, sink_options{1, 1, nullptr});
  replica_joined joined{2, caf::actor_cast<caf::actor>(sink_handle)};
  BOOST_CHECK(round_trip(vs.sys, joined) == joined);
  replica_lost lost{1, 2, caf::actor_cast<caf::actor>(sink_handle), 5ms,
                    caf::make_error(caf::exit_reason::remote_link_unreachable),
                    7, 1};
  BOOST_CHECK(round_trip(vs.sys, lost) == lost);
  node_event event{"a", node_event_kind::lost, 4s, "gone", 2, 9};
  BOOST_CHECK(round_trip(vs.sys, event) == event);
  cluster_history history{{event, event}};
  history.events[1].what = node_event_kind::rejoined;
  BOOST_CHECK(round_trip(vs.sys, history) == history);
  caf::scoped_actor self{vs.sys};
  self->send_exit(sink_handle, caf::exit_reason::user_shutdown);
  vs.run_now();
}

BOOST_AUTO_TEST_CASE(scaling_samples_and_history_round_trip) {
  scaling_sample x{4s, 1, 310.5, 402.25, 3, 1, 5, 24, 12, 0.5, 2};
  BOOST_CHECK(round_trip(vs.sys, x) == x);
  scaling_history h{{x, x}};
  h.samples[1].stage = 0;
  BOOST_CHECK(round_trip(vs.sys, h) == h);
}

BOOST_AUTO_TEST_CASE(atoms_round_trip_with_payloads) {
  auto msg = caf::make_message(atoms::serve_atom_v,
                               batch{0, {sample_request(6)}});
  auto copy = round_trip_message(vs.sys, msg);
  BOOST_REQUIRE((copy.match_elements<atoms::serve_atom, batch>()));
  BOOST_CHECK(copy.get_as<batch>(1) == (batch{0, {sample_request(6)}}));
}

// In CAF 0.17 an atom is only its text: it must survive the wire as that text,
// no two of troupe's may share one, and none may be one of CAF's own (CAF
// sends those, e.g. tick and flush, to actors for its own purposes).
BOOST_AUTO_TEST_CASE(every_atom_keeps_its_own_value_on_the_wire) {
  const std::vector<caf::atom_value> ours{
    atoms::serve_atom::value,    atoms::finished_atom::value,
    atoms::emit_atom::value,     atoms::pace_atom::value,
    atoms::collect_atom::value,  atoms::scale_tick_atom::value,
    atoms::load_atom::value,     atoms::booted_atom::value,
    atoms::flush_batch_atom::value, atoms::history_atom::value,
    atoms::ready_atom::value,    atoms::events_atom::value,
    atoms::ended_atom::value,    atoms::progress_atom::value,
  };
  const std::vector<caf::atom_value> cafs{
    caf::add_atom::value,     caf::close_atom::value,
    caf::connect_atom::value, caf::contact_atom::value,
    caf::delete_atom::value,  caf::demonitor_atom::value,
    caf::div_atom::value,     caf::flush_atom::value,
    caf::forward_atom::value, caf::get_atom::value,
    caf::idle_atom::value,    caf::join_atom::value,
    caf::leave_atom::value,   caf::link_atom::value,
    caf::migrate_atom::value, caf::monitor_atom::value,
    caf::mul_atom::value,     caf::ok_atom::value,
    caf::open_atom::value,    caf::pending_atom::value,
    caf::ping_atom::value,    caf::pong_atom::value,
    caf::publish_atom::value, caf::put_atom::value,
    caf::receive_atom::value, caf::redirect_atom::value,
    caf::reset_atom::value,   caf::resolve_atom::value,
    caf::spawn_atom::value,   caf::stream_atom::value,
    caf::sub_atom::value,     caf::subscribe_atom::value,
    caf::sys_atom::value,     caf::tick_atom::value,
    caf::timeout_atom::value, caf::unlink_atom::value,
    caf::unpublish_atom::value, caf::update_atom::value,
    caf::wait_for_atom::value,
  };
  for (size_t i = 0; i < ours.size(); ++i) {
    auto text = caf::to_string(ours[i]);
    auto copy = round_trip_message(vs.sys, caf::make_message(ours[i]));
    BOOST_REQUIRE(copy.match_elements<caf::atom_value>());
    BOOST_CHECK_MESSAGE(copy.get_as<caf::atom_value>(0) == ours[i], text);
    for (size_t j = i + 1; j < ours.size(); ++j)
      BOOST_CHECK_MESSAGE(ours[i] != ours[j], text << " is used twice");
    BOOST_CHECK_MESSAGE(std::find(cafs.begin(), cafs.end(), ours[i])
                          == cafs.end(),
                        text << " is one of CAF's own atoms");
  }
}

BOOST_AUTO_TEST_CASE(errors_name_themselves_and_say_if_retryable) {
  BOOST_CHECK_EQUAL(to_string(errc::queue_full), "queue_full");
  BOOST_CHECK(is_retryable(errc::queue_full));
  BOOST_CHECK(is_retryable(errc::deadline_expired));
  BOOST_CHECK_EQUAL(to_string(errc::deadline_unreachable),
                    "deadline_unreachable");
  BOOST_CHECK(is_retryable(errc::deadline_unreachable));
  BOOST_CHECK(!is_retryable(errc::batch_too_large));
  BOOST_CHECK(!is_retryable(errc::invalid_payload));
}

BOOST_AUTO_TEST_SUITE_END()
