// connection against a scripted peer on 127.0.0.1: version negotiation,
// pipelined answers matched by correlation id, and failures (a closed socket,
// an oversized frame, a silent peer) that must fail every waiter cleanly.

#include "client/connection.h"

#include <gtest/gtest.h>

#include "tests/client/scripted_peer.h"

namespace sluice::client {
namespace {

using namespace test;
using protocol::error_code;
using namespace std::chrono_literals;

client_config config_with_timeout(std::chrono::milliseconds t) {
  client_config c;
  c.request_timeout = t;
  c.connect_timeout = 2s;
  return c;
}

TEST(connection, falls_back_to_api_versions_v0_and_uses_common_versions) {
  asio::io_context io;
  scripted_peer peer(io, [](const request_seen& r) -> std::vector<std::vector<std::byte>> {
    if (r.key == protocol::api_key::api_versions) {
      if (r.version > 2)  // an older broker: UNSUPPORTED_VERSION in v0 layout
        return {response_bytes(protocol::unsupported_version_response(0, 2), 0, r.correlation_id)};
      return {response_bytes(versions(), r.version, r.correlation_id)};
    }
    return {response_bytes(protocol::list_groups_response{}, r.version, r.correlation_id)};
  });
  run(io, [&]() -> asio::awaitable<void> {
    auto c = co_await connection::connect(io.get_executor(), {"127.0.0.1", peer.port()}, 1,
                                          config_with_timeout(2s));
    EXPECT_TRUE(c) << c.error().message;
    if (!c) co_return;
    EXPECT_EQ((*c)->version_for(protocol::api_key::metadata).value(), 12);  // codec max 12
    EXPECT_EQ((*c)->version_for(protocol::api_key::list_groups).value(), 1);
    auto produce = (*c)->version_for(protocol::api_key::produce);
    EXPECT_FALSE(produce);
    if (!produce) {
      EXPECT_EQ(produce.error().code, error_code::unsupported_version);
    }
    auto groups = co_await (*c)->call(protocol::list_groups_request{});
    EXPECT_TRUE(groups) << groups.error().message;
  });
  ASSERT_GE(peer.seen.size(), 3u);
  EXPECT_EQ(peer.seen[0].version, 3);
  EXPECT_EQ(peer.seen[1].version, 0);
  EXPECT_EQ(peer.seen[2].version, 1);
}

TEST(connection, pipelined_answers_are_matched_by_correlation_id) {
  asio::io_context io;
  std::vector<request_seen> held;
  scripted_peer peer(io, [&](const request_seen& r) -> std::vector<std::vector<std::byte>> {
    if (r.key == protocol::api_key::api_versions)
      return {response_bytes(versions(), r.version, r.correlation_id)};
    held.push_back(r);
    if (held.size() < 3) return {};
    // Answer all three in reverse order, each naming its group.
    std::vector<std::vector<std::byte>> out;
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
      protocol::list_groups_response resp;
      resp.groups.push_back({"g" + std::to_string(it->correlation_id), "consumer", "", ""});
      out.push_back(response_bytes(resp, it->version, it->correlation_id));
    }
    return out;
  });
  run(io, [&]() -> asio::awaitable<void> {
    auto c = co_await connection::connect(io.get_executor(), {"127.0.0.1", peer.port()}, 1,
                                          config_with_timeout(5s));
    EXPECT_TRUE(c);
    if (!c) co_return;
    std::vector<std::string> names(3);
    int done = 0;
    for (int i = 0; i < 3; ++i)
      asio::co_spawn(
          io,
          [&, i, conn = *c]() -> asio::awaitable<void> {
            auto r = co_await conn->call(protocol::list_groups_request{});
            if (r && !r->groups.empty()) names[i] = r->groups[0].group_id;
            ++done;
          },
          asio::detached);
    asio::steady_timer t(io);
    while (done < 3) {
      t.expires_after(10ms);
      co_await t.async_wait(use_tuple);
    }
    // Requests were sent with ids 2, 3, 4 (1 was ApiVersions).
    EXPECT_EQ(names, (std::vector<std::string>{"g2", "g3", "g4"}));
  });
}

TEST(connection, a_closed_socket_fails_the_waiter_and_later_calls) {
  asio::io_context io;
  scripted_peer peer(io, [](const request_seen& r) -> std::vector<std::vector<std::byte>> {
    return {response_bytes(versions(), r.version, r.correlation_id)};
  });
  peer.close_on_next = true;
  run(io, [&]() -> asio::awaitable<void> {
    auto c = co_await connection::connect(io.get_executor(), {"127.0.0.1", peer.port()}, 7,
                                          config_with_timeout(5s));
    EXPECT_TRUE(c);
    if (!c) co_return;
    auto r = co_await (*c)->call(protocol::list_groups_request{});
    EXPECT_FALSE(r);
    if (r) co_return;
    EXPECT_EQ(r.error().code, error_code::network_exception);
    EXPECT_NE(r.error().message.find("node 7"), std::string::npos) << r.error().message;
    EXPECT_FALSE((*c)->is_open());
    auto again = co_await (*c)->call(protocol::list_groups_request{});
    EXPECT_FALSE(again);
  });
}

TEST(connection, an_oversized_frame_is_refused_before_allocation) {
  asio::io_context io;
  scripted_peer peer(io, [](const request_seen& r) -> std::vector<std::vector<std::byte>> {
    if (r.key == protocol::api_key::api_versions)
      return {response_bytes(versions(), r.version, r.correlation_id)};
    return {{std::byte{0x7f}, std::byte{0xff}, std::byte{0xff}, std::byte{0xff}}};
  });
  run(io, [&]() -> asio::awaitable<void> {
    auto c = co_await connection::connect(io.get_executor(), {"127.0.0.1", peer.port()}, 1,
                                          config_with_timeout(5s));
    EXPECT_TRUE(c);
    if (!c) co_return;
    auto r = co_await (*c)->call(protocol::list_groups_request{});
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error().code, error_code::corrupt_message) << r.error().message;
    }
  });
}

TEST(connection, a_silent_peer_times_the_request_out) {
  asio::io_context io;
  scripted_peer peer(io, [](const request_seen& r) -> std::vector<std::vector<std::byte>> {
    if (r.key == protocol::api_key::api_versions)
      return {response_bytes(versions(), r.version, r.correlation_id)};
    return {};
  });
  run(io, [&]() -> asio::awaitable<void> {
    auto c = co_await connection::connect(io.get_executor(), {"127.0.0.1", peer.port()}, 1,
                                          config_with_timeout(200ms));
    EXPECT_TRUE(c);
    if (!c) co_return;
    auto r = co_await (*c)->call(protocol::list_groups_request{});
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error().code, error_code::request_timed_out) << r.error().message;
    }
    EXPECT_FALSE((*c)->is_open());
  });
}

TEST(connection, a_refused_connect_is_a_network_exception) {
  asio::io_context io;
  uint16_t port = 0;
  {
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  run(io, [&]() -> asio::awaitable<void> {
    auto c = co_await connection::connect(io.get_executor(), {"127.0.0.1", port}, -1,
                                          config_with_timeout(1s));
    EXPECT_FALSE(c);
    if (!c) {
      EXPECT_EQ(c.error().code, error_code::network_exception);
    }
  });
}

}  // namespace
}  // namespace sluice::client
