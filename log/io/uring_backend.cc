#include "log/io/uring_backend.h"

#include <liburing.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace sluice::log::io {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// The eventfd is only a wake-up: its counter carries no information, so reading
// it to zero before reaping CQEs is enough (a CQE posted after the read signals
// it again).
void drain(int fd) {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(fd, &count, sizeof count);
}

}  // namespace

uring_backend::uring_backend() : ring_(std::make_unique<struct io_uring>()) {}

std::unique_ptr<uring_backend> uring_backend::create(const backend_options& opts,
                                                     std::string* why) {
  auto decline = [&](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return std::unique_ptr<uring_backend>();
  };
  std::unique_ptr<uring_backend> b(new uring_backend());
  const int rc = io_uring_queue_init(opts.queue_depth, b->ring_.get(), 0);
  if (rc < 0) return decline("io_uring_queue_init: " + errno_text(-rc));
  b->ring_ready_ = true;

  // Probe rather than trust the kernel version: seccomp filters, containers and
  // distribution kernels disable io_uring or single opcodes independently of it.
  struct io_uring_probe* probe = io_uring_get_probe_ring(b->ring_.get());
  if (probe == nullptr) return decline("io_uring_get_probe failed (kernel older than 5.6?)");
  // WRITEV, not WRITE: the engine's writes are vectored (header and records
  // from separate buffers) and splitting one into several SQEs would give up
  // the one-write-one-completion shape the appender relies on.
  const bool writev = io_uring_opcode_supported(probe, IORING_OP_WRITEV) != 0;
  const bool fsync = io_uring_opcode_supported(probe, IORING_OP_FSYNC) != 0;
  io_uring_free_probe(probe);
  if (!writev || !fsync) {
    std::string missing = !writev ? "IORING_OP_WRITEV" : "";
    if (!fsync) missing += missing.empty() ? "IORING_OP_FSYNC" : ", IORING_OP_FSYNC";
    return decline("kernel lacks " + missing);
  }

  b->event_fd_ = file_handle(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!b->event_fd_.valid()) return decline("eventfd: " + errno_text(errno));
  const int reg = io_uring_register_eventfd(b->ring_.get(), b->event_fd_.get());
  if (reg < 0) return decline("io_uring_register_eventfd: " + errno_text(-reg));
  b->probed_ = "writev, fsync";
  return b;
}

uring_backend::~uring_backend() {
  if (!ring_ready_) return;
  // The kernel may still be writing from the callers' buffers: wait for what it
  // holds (without running the io_ops, which may be gone) before unmapping the
  // ring. Entries still in the SQ were never submitted and are dropped.
  size_t in_kernel = in_flight_ - deferred_.size() - io_uring_sq_ready(ring_.get());
  while (in_kernel > 0) {
    struct io_uring_cqe* cqe = nullptr;
    const int rc = io_uring_wait_cqe(ring_.get(), &cqe);
    if (rc == -EINTR) continue;
    if (rc < 0) break;
    io_uring_cqe_seen(ring_.get(), cqe);
    --in_kernel;
  }
  io_uring_queue_exit(ring_.get());
}

struct io_uring_sqe* uring_backend::next_sqe() {
  struct io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
  if (sqe != nullptr) return sqe;
  // SQ full: push what is there to the kernel and take a fresh slot.
  io_uring_submit(ring_.get());
  return io_uring_get_sqe(ring_.get());
}

void uring_backend::defer(io_op* op, int32_t res) {
  deferred_.emplace_back(op, res);
  ++in_flight_;
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(event_fd_.get(), &one, sizeof one);
}

void uring_backend::submit_write(int fd, uint64_t pos, std::span<const iovec> iov, io_op* op) {
  struct io_uring_sqe* sqe = next_sqe();
  // The kernel refused a submission (-EBUSY with the CQ overflowing): report a
  // retryable error rather than block inside submit; the caller resubmits.
  if (sqe == nullptr) return defer(op, -EAGAIN);
  io_uring_prep_writev(sqe, fd, iov.data(), static_cast<unsigned>(iov.size()), pos);
  io_uring_sqe_set_data(sqe, op);
  ++in_flight_;
}

void uring_backend::submit_datasync(int fd, io_op* op) {
  struct io_uring_sqe* sqe = next_sqe();
  if (sqe == nullptr) return defer(op, -EAGAIN);
  io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
  io_uring_sqe_set_data(sqe, op);
  ++in_flight_;
}

void uring_backend::flush() {
  if (io_uring_sq_ready(ring_.get()) == 0) return;
  // On failure (-EBUSY, -EAGAIN) the entries stay in the SQ and go with the
  // next flush or wait; nothing is lost.
  io_uring_submit(ring_.get());
}

size_t uring_backend::poll() {
  drain(event_fd_.get());
  size_t total = 0;
  if (!deferred_.empty()) {
    auto batch = std::move(deferred_);
    deferred_.clear();
    in_flight_ -= batch.size();
    for (auto& [op, res] : batch) op->complete(res);
    total += batch.size();
  }
  constexpr unsigned batch_size = 64;
  for (;;) {
    std::array<struct io_uring_cqe*, batch_size> cqes{};
    const unsigned n = io_uring_peek_batch_cqe(ring_.get(), cqes.data(), batch_size);
    if (n == 0) break;
    // Copy out and release the CQ slots before running completions, which may
    // submit (and even flush) more work on this ring.
    std::array<std::pair<io_op*, int32_t>, batch_size> done{};
    for (unsigned i = 0; i < n; ++i)
      done[i] = {static_cast<io_op*>(io_uring_cqe_get_data(cqes[i])), cqes[i]->res};
    io_uring_cq_advance(ring_.get(), n);
    in_flight_ -= n;
    for (unsigned i = 0; i < n; ++i) done[i].first->complete(done[i].second);
    total += n;
  }
  return total;
}

size_t uring_backend::wait() {
  flush();
  for (;;) {
    const size_t n = poll();
    if (n > 0 || in_flight_ == 0) return n;
    // submit_and_wait rather than wait_cqe: if the last flush was refused, the
    // entries are still in the SQ and waiting without submitting would hang.
    const int rc = io_uring_submit_and_wait(ring_.get(), 1);
    if (rc < 0 && rc != -EINTR && rc != -EBUSY && rc != -EAGAIN)
      throw std::system_error(-rc, std::generic_category(), "io_uring_submit_and_wait");
  }
}

}  // namespace sluice::log::io
