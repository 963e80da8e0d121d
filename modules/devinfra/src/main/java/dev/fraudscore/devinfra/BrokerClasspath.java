package dev.fraudscore.devinfra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Kafka broker's own classpath, written at build time by the {@code modules/kafka-broker}
 * module ({@code target/broker.classpath} plus its classes). The broker runs in its own JVM so that its
 * Scala 2.13 never meets the node's libraries. Override with {@code -Dfraud.kafka.broker.classpath}.
 */
final class BrokerClasspath {
    private BrokerClasspath() {}

    static String find() {
        String explicit =
                System.getProperty("fraud.kafka.broker.classpath", System.getenv("FRAUD_KAFKA_BROKER_CLASSPATH"));
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path module = d.resolve("modules/kafka-broker/target");
            Path file = module.resolve("broker.classpath");
            if (Files.isRegularFile(file) && Files.isDirectory(module.resolve("classes"))) {
                try {
                    return Files.readString(file).trim() + File.pathSeparator + module.resolve("classes");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no Kafka broker classpath: build the project first (mvn package builds "
                + "modules/kafka-broker/target/broker.classpath) or set -Dfraud.kafka.broker.classpath; searched up from "
                + dir);
    }
}
