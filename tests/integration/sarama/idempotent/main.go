// A Sarama 1.22 idempotent producer for test_eos_sarama.py.
//
//	sarama_idempotent BROKER TOPIC PARTITIONS COUNT
//
// Sends COUNT values "sarama-<i>" to partition i % PARTITIONS with the
// settings Sarama requires for idempotence (Producer.Idempotent,
// Net.MaxOpenRequests = 1, RequiredAcks = WaitForAll, Version >= V0_11_0_0,
// retries). Sarama asks for its producer id with InitProducerId as it starts
// and then numbers each partition's batches. Each acknowledged value is
// printed as "partition offset value" on stdout; any error goes to stderr
// and exits 1.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/Shopify/sarama"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: sarama_idempotent BROKER TOPIC PARTITIONS COUNT")
	}
	broker, topic := os.Args[1], os.Args[2]
	partitions, err1 := strconv.Atoi(os.Args[3])
	count, err2 := strconv.Atoi(os.Args[4])
	if err1 != nil || err2 != nil || partitions < 1 {
		fail("PARTITIONS and COUNT must be numbers")
	}
	config := sarama.NewConfig()
	config.Version = sarama.V0_11_0_0
	config.Producer.Idempotent = true
	config.Net.MaxOpenRequests = 1
	config.Producer.RequiredAcks = sarama.WaitForAll
	config.Producer.Retry.Max = 10
	config.Producer.Retry.Backoff = 100 * time.Millisecond
	config.Producer.Return.Successes = true
	config.Producer.Return.Errors = true
	config.Producer.Partitioner = sarama.NewManualPartitioner
	config.Producer.Flush.Messages = 20
	config.Producer.Flush.Frequency = 5 * time.Millisecond

	p, err := sarama.NewAsyncProducer([]string{broker}, config)
	if err != nil {
		fail("NewAsyncProducer: %v", err)
	}
	go func() {
		for i := 0; i < count; i++ {
			p.Input() <- &sarama.ProducerMessage{
				Topic:     topic,
				Partition: int32(i % partitions),
				Value:     sarama.StringEncoder(fmt.Sprintf("sarama-%d", i)),
			}
		}
	}()
	timeout := time.After(30 * time.Second)
	for acked := 0; acked < count; {
		select {
		case m := <-p.Successes():
			v, _ := m.Value.Encode()
			fmt.Printf("%d %d %s\n", m.Partition, m.Offset, string(v))
			acked++
		case e := <-p.Errors():
			fail("produce error: %v", e.Err)
		case <-timeout:
			fail("timed out with %d of %d acknowledged", acked, count)
		}
	}
	if err := p.Close(); err != nil {
		fail("Close: %v", err)
	}
}
