// A Sarama 1.22 consumer-group member for test_sarama_group.py.
//
//	sarama_group BROKER TOPIC GROUP WANT IDLE_MS
//
// Joins GROUP with sarama.NewConfig()'s defaults, except Version (V0_11_0_0,
// the lowest with which a ConsumerGroup can fetch from a broker that refuses
// Fetch below v4, as Kafka 4 does) and Consumer.Offsets.Initial = OffsetOldest.
// With those defaults Sarama commits with OffsetCommit v1 (Retention 0) every
// second (AutoCommit) and when the group is closed. Each record is marked
// (MarkMessage) and printed as "partition offset value" on stdout. Once WANT
// records have arrived it waits IDLE_MS more (so a re-read would show), then
// closes the group and exits 0. Errors go to stderr and exit 1.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

type handler struct {
	mu   sync.Mutex
	seen int
	want int
	got  chan struct{}
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *handler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		h.mu.Lock()
		fmt.Printf("%d %d %s\n", m.Partition, m.Offset, string(m.Value))
		s.MarkMessage(m, "")
		h.seen++
		if h.seen == h.want {
			close(h.got)
		}
		h.mu.Unlock()
	}
	return nil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 6 {
		fail("usage: sarama_group BROKER TOPIC GROUP WANT IDLE_MS")
	}
	broker, topic, group := os.Args[1], os.Args[2], os.Args[3]
	want, err1 := strconv.Atoi(os.Args[4])
	idle, err2 := strconv.Atoi(os.Args[5])
	if err1 != nil || err2 != nil {
		fail("WANT and IDLE_MS must be numbers")
	}
	config := sarama.NewConfig()
	config.Version = sarama.V0_11_0_0
	config.Consumer.Offsets.Initial = sarama.OffsetOldest
	config.Consumer.Return.Errors = true

	g, err := sarama.NewConsumerGroup([]string{broker}, group, config)
	if err != nil {
		fail("NewConsumerGroup: %v", err)
	}
	go func() {
		for err := range g.Errors() {
			fmt.Fprintf(os.Stderr, "group error: %v\n", err)
		}
	}()
	h := &handler{want: want, got: make(chan struct{})}
	if want == 0 {
		close(h.got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			if err := g.Consume(ctx, []string{topic}, h); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case <-h.got:
	case err := <-done:
		fail("Consume: %v", err)
	case <-time.After(40 * time.Second):
		fail("timed out with %d of %d records", h.seen, want)
	}
	time.Sleep(time.Duration(idle) * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		fail("Consume: %v", err)
	}
	// Close commits what was marked since the last auto-commit.
	if err := g.Close(); err != nil {
		fail("Close: %v", err)
	}
}
