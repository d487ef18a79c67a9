#include "tools/commands/share.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "client/share_consumer.h"
#include "tools/commands/consume.h"
#include "tools/record_format.h"

namespace sluice::tools {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Renders one record as -f or --json asks; --json adds "delivery_count".
class share_printer {
 public:
  explicit share_printer(std::optional<record_format> fmt) : fmt_(std::move(fmt)) {}

  void print(const client::share_record& r) {
    out_.clear();
    const printable_record p = printable(r);
    if (fmt_) {
      fmt_->render(p, out_);
    } else {
      render_json(p, out_);  // "{...}\n": add the delivery count inside
      out_.resize(out_.size() - 2);
      out_ += ",\"delivery_count\":" + std::to_string(r.delivery_count) + "}\n";
    }
    std::fwrite(out_.data(), 1, out_.size(), stdout);
    std::fflush(stdout);
  }

 private:
  std::optional<record_format> fmt_;
  std::string out_;
};

// The lines of stdin for --ack manual, read without blocking the executor
// while a pipe or terminal has none: the share consumer heartbeats from it
// while an answer is awaited, which may take longer than the group's session
// timeout. A regular file is read directly (it never makes us wait, and
// epoll takes no regular files). A signal ends the input.
class stdin_lines {
 public:
  explicit stdin_lines(session& s) : s_(s) {
    struct stat st;
    if (::fstat(STDIN_FILENO, &st) != 0 || S_ISREG(st.st_mode)) return;  // none reads as EOF
    in_.emplace(s.io, ::dup(STDIN_FILENO));
    s_.on_stop = [this] { in_->cancel(); };
  }
  ~stdin_lines() {
    if (in_) s_.on_stop = nullptr;
  }
  stdin_lines(const stdin_lines&) = delete;
  stdin_lines& operator=(const stdin_lines&) = delete;

  // The next line without its '\n'; nullopt at end of input, on a read
  // error or after a signal.
  awaitable<std::optional<std::string>> next() {
    std::string line;
    if (!in_) {
      if (!std::getline(std::cin, line)) co_return std::nullopt;
      co_return line;
    }
    if (ended_) co_return std::nullopt;
    auto [ec, n] =
        co_await asio::async_read_until(*in_, buf_, '\n', asio::as_tuple(asio::use_awaitable));
    const char* data = static_cast<const char*>(buf_.data().data());
    if (ec) {  // a last line without '\n' is still a line
      ended_ = true;
      if (ec == asio::error::operation_aborted || buf_.size() == 0) co_return std::nullopt;
      if (ec != asio::error::eof)
        std::fprintf(stderr, "sluice: warning: cannot read stdin: %s\n", ec.message().c_str());
      line.assign(data, buf_.size());
      buf_.consume(buf_.size());
      co_return line;
    }
    line.assign(data, n - 1);
    buf_.consume(n);
    co_return line;
  }

 private:
  session& s_;
  std::optional<asio::posix::stream_descriptor> in_;
  asio::streambuf buf_;
  bool ended_ = false;
};

// What one line of stdin asks for the current record (--ack manual).
enum class answer { accept, release, reject, renew, end_of_input };

awaitable<answer> read_answer(stdin_lines& in) {
  while (true) {
    auto next = co_await in.next();
    if (!next) co_return answer::end_of_input;
    std::string& line = *next;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "a" || line == "accept") co_return answer::accept;
    if (line == "r" || line == "release") co_return answer::release;
    if (line == "x" || line == "reject") co_return answer::reject;
    if (line == "n" || line == "renew") co_return answer::renew;
    std::fprintf(stderr, "sluice: '%s': answer a/accept, r/release, x/reject or n/renew\n",
                 line.c_str());
  }
}

// Reads answers for `r` until one settles it; n/renew extends its lock at
// once (for work longer than the lock duration) and reads again. nullopt at
// end of input. The consumer keeps its membership meanwhile; the record's
// lock is what runs out.
awaitable<std::optional<client::ack_type>> decide(client::share_consumer& c, stdin_lines& in,
                                                  const client::share_record& r) {
  while (true) {
    switch (co_await read_answer(in)) {
      case answer::accept:
        co_return client::ack_type::accept;
      case answer::release:
        co_return client::ack_type::release;
      case answer::reject:
        co_return client::ack_type::reject;
      case answer::end_of_input:
        co_return std::nullopt;
      case answer::renew:
        // A lock that had expired is reported and the record still waits for
        // its answer: acknowledging it then reports the same.
        if (auto renewed = co_await c.renew(r); !renewed)
          std::fprintf(stderr, "sluice: warning: %s\n", renewed.error().message.c_str());
        break;
    }
  }
}

}  // namespace

awaitable<status> share_consume(session& s, const share_options& o) {
  if (o.json && !o.format.empty()) co_return fail("give -f or --json, not both");
  std::optional<record_format> fmt;
  if (!o.json) {
    auto f = compile_format(o.format.empty() ? "%s\\n" : o.format);
    if (!f) co_return f.err();
    fmt = std::move(*f);
  }
  // The group would simply assign nothing for a missing topic: say so instead.
  for (const auto& t : o.topics)
    if (auto md = co_await s.cluster.topic(t); !md) co_return from_client(md.error());
  share_printer out(std::move(fmt));
  const bool manual = o.ack == "manual";
  client::share_config sc;
  sc.group_id = o.group;
  sc.topics = o.topics;
  sc.max_records = o.max_inflight;
  // auto: implicit mode, the consumer accepts what poll() returned on the
  // next poll or commit; manual: explicit, only the answers read are sent.
  // In both, records fetched beyond -c (or left at end of input) are
  // released so other members get them at once.
  sc.explicit_acknowledgement = manual;
  client::share_consumer c(s.cluster, sc);
  std::optional<stdin_lines> answers;
  if (manual) answers.emplace(s);
  int64_t printed = 0;
  bool input_ended = false;
  auto done = [&] { return (o.count >= 0 && printed >= o.count) || input_ended; };
  auto idle_since = std::chrono::steady_clock::now();
  status outcome = ok;
  while (!s.stop_requested && !done()) {
    auto recs = co_await c.poll(200ms);
    if (!recs) {
      outcome = from_client(recs.error());
      break;
    }
    for (const auto& e : c.acknowledge_errors())
      std::fprintf(stderr, "sluice: warning: %s\n", e.message.c_str());
    for (const auto& r : *recs) {
      if (done() || s.stop_requested) {
        c.acknowledge(r, client::ack_type::release);
        continue;
      }
      out.print(r);
      ++printed;
      if (!manual) continue;
      auto decision = co_await decide(c, *answers, r);
      if (!decision) input_ended = true;
      c.acknowledge(r, decision.value_or(client::ack_type::release));
    }
    // Counted from the last record handled: waiting for manual answers is
    // work, not idleness.
    if (!recs->empty()) idle_since = std::chrono::steady_clock::now();
    if (o.idle_timeout_ms >= 0 && std::chrono::steady_clock::now() - idle_since >
                                      std::chrono::milliseconds(o.idle_timeout_ms))
      break;
  }
  // Acknowledge (in auto mode: accept what was printed) and wait until the
  // broker has made the states durable, then close the session and leave.
  if (outcome) {
    if (auto r = co_await c.commit(); !r) outcome = from_client(r.error());
  }
  if (auto r = co_await c.close(); !r && outcome) outcome = from_client(r.error());
  co_return outcome;
}

}  // namespace sluice::tools
