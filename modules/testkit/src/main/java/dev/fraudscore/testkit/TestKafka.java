package dev.fraudscore.testkit;

import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.devinfra.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;

/** One real KRaft broker per test JVM, on free loopback ports, started on first use. */
public final class TestKafka {
    private static KafkaBroker broker;

    private TestKafka() {}

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                broker = KafkaBroker.start(
                        Files.createTempDirectory("fraud-it-kafka"),
                        FreePorts.next(),
                        FreePorts.next(),
                        Duration.ofSeconds(90));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the test Kafka broker", e);
            }
        }
        return broker.bootstrapServers();
    }
}
