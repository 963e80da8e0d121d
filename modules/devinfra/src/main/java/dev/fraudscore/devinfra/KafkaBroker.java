package dev.fraudscore.devinfra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (the Maven Central {@code kafka_2.13} jars) in a child JVM,
 * bound to loopback. The child exits when this JVM exits or dies.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String READY = "Kafka Server started";

    private final Process process;
    private final int port;

    private KafkaBroker(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts a broker keeping its data in {@code dataDir} (reused when it already holds a broker's log). */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort, Duration timeout) throws IOException {
        return start(dataDir, port, controllerPort, timeout, 0, Map.of());
    }

    /**
     * The same broker with a second listener on {@code saslPort} that authenticates clients with SASL PLAIN against
     * {@code users} (name to password); {@link #bootstrapServers()} is still the PLAINTEXT one, the SASL one is
     * 127.0.0.1:saslPort. 0: no SASL listener.
     */
    public static KafkaBroker start(
            Path dataDir, int port, int controllerPort, Duration timeout, int saslPort, Map<String, String> users)
            throws IOException {
        Files.createDirectories(dataDir);
        String listeners = "PLAINTEXT://127.0.0.1:" + port;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        StringBuilder sasl = new StringBuilder();
        if (saslPort > 0) {
            listeners += ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
            protocols += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
            StringBuilder jaas = new StringBuilder(
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\""
                            + " password=\"broker\" user_broker=\"broker\"");
            users.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            sasl.append("sasl.enabled.mechanisms=PLAIN\n")
                    .append("listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN\n")
                    .append("listener.name.sasl_plaintext.plain.sasl.jaas.config=")
                    .append(jaas)
                    .append(";\n");
        }
        Path logDir = dataDir.resolve("log");
        Path config = dataDir.resolve("server.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                        "listeners=" + listeners + ",CONTROLLER://127.0.0.1:" + controllerPort,
                        "advertised.listeners=" + listeners,
                        "controller.listener.names=CONTROLLER",
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=" + protocols,
                        "log.dirs=" + logDir.toAbsolutePath(),
                        "num.partitions=4",
                        "offsets.topic.replication.factor=1",
                        "offsets.topic.num.partitions=4",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        "group.initial.rebalance.delay.ms=0",
                        "auto.create.topics.enable=true",
                        "log.retention.hours=168",
                        sasl.toString()));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xms256m",
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-cp",
                BrokerClasspath.find(),
                "dev.fraudscore.kafkabroker.BrokerMain",
                config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        KafkaBroker broker = new KafkaBroker(p, port);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
        CountDownLatch ready = new CountDownLatch(1);
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> pump(p, ready, tail, dataDir.resolve("broker.log")), "kafka-broker-log");
        pump.setDaemon(true);
        pump.start();
        try {
            boolean ok = ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ok || !p.isAlive()) {
                broker.close();
                synchronized (tail) {
                    throw new IOException("Kafka broker did not start within " + timeout.toSeconds() + " s (exit "
                            + (p.isAlive() ? "none" : p.exitValue()) + "); last lines:\n" + String.join("\n", tail));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broker.close();
            throw new IOException("interrupted while starting Kafka", e);
        }
        LOG.info("Kafka broker (pid {}) ready on {}", p.pid(), broker.bootstrapServers());
        return broker;
    }

    private static void pump(Process p, CountDownLatch ready, Deque<String> tail, Path logFile) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                var out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 30) {
                        tail.removeFirst();
                    }
                }
                if (line.contains(READY)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            LOG.debug("broker log pump ended: {}", e.toString());
        }
        ready.countDown();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
