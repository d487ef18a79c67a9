#include "tools/commands/share.h"

#include <cstdio>
#include <optional>
#include <string>

#include "client/share_consumer.h"
#include "tools/commands/consume.h"
#include "tools/commands/stdin_lines.h"
#include "tools/record_format.h"

namespace sluice::tools {
namespace {

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

// What one line of stdin asks for the current record (--ack manual).
enum class answer { accept, release, reject, renew, end_of_input };

awaitable<answer> read_answer(stdin_lines& in) {
  while (true) {
    auto next = co_await in.next();
    if (!next) {
      if (!in.error().empty())
        std::fprintf(stderr, "sluice: warning: cannot read stdin: %s\n", in.error().c_str());
      co_return answer::end_of_input;
    }
    std::string line(*next);
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
  if (o.json && !o.format.empty()) co_return usage("give -f or --json, not both");
  std::optional<record_format> fmt;
  if (!o.json) {
    auto f = compile_format(o.format.empty() ? "%s\\n" : o.format);
    if (!f) co_return f.error();
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
    // A broker restarting: the next poll() reconnects and the member rejoins.
    if (!recs && recs.error().retriable()) {
      co_await sleep_for(200ms);
      continue;
    }
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
