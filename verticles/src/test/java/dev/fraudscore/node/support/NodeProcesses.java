package dev.fraudscore.node.support;

import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.devinfra.ProjectDir;
import dev.fraudscore.testkit.TestKafka;
import dev.fraudscore.testkit.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real nodes as separate JVM processes (the test classpath, {@code FraudNode}'s main), configured only
 * through FRAUD_* variables, forming one Hazelcast cluster on loopback and sharing one PostgreSQL database
 * and the test Kafka broker.
 */
public final class NodeProcesses implements AutoCloseable {
    public final String clusterName = "it-" + UUID.randomUUID().toString().substring(0, 6);
    public final String postgresUrl = TestPostgres.freshDatabase("cluster");
    public final List<Integer> hazelcastPorts = new ArrayList<>();
    public final int[] httpPorts;
    public final int[] adminPorts;
    private final Process[] processes;
    private final Map<String, String> extra;
    private final Path logs;

    public NodeProcesses(int n, Map<String, String> extraEnv) throws IOException {
        this.extra = extraEnv;
        this.httpPorts = new int[n];
        this.adminPorts = new int[n];
        this.processes = new Process[n];
        for (int i = 0; i < n; i++) {
            hazelcastPorts.add(FreePorts.next());
            httpPorts[i] = FreePorts.next();
            adminPorts[i] = FreePorts.next();
        }
        logs = Files.createDirectories(Path.of("target", "cluster-it", clusterName));
    }

    /** Where the first node to start writes the API keys it creates (one per role). */
    public Path keysDir() {
        return logs.resolve("keys");
    }

    public String members() {
        return hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public void start(int i) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xms256m",
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "@" + ProjectDir.require("ops/jvm.options"),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.fraudscore.node.FraudNode"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        logs.resolve("node-" + i + ".log").toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("FRAUD_") && !k.equals("FRAUD_TEST_PG_URL"));
        env.remove("FRAUD_TEST_PG_URL");
        env.put("FRAUD_NODE_ID", clusterName + "-node-" + i);
        env.put("FRAUD_HTTP_HOST", "127.0.0.1");
        env.put("FRAUD_HTTP_PORT", Integer.toString(httpPorts[i]));
        env.put("FRAUD_HTTP_REQUEST_TIMEOUT_MS", "20000");
        env.put("FRAUD_HTTP_REQUEST_READ_TIMEOUT_MS", "30000");
        // a fixed, high admission limit: the test's bursts must not be refused
        env.put("FRAUD_ADMISSION_ADAPTIVE", "false");
        env.put("FRAUD_ADMISSION_MAX_LIMIT", "10000");
        env.put("FRAUD_ADMIN_PORT", Integer.toString(adminPorts[i]));
        env.put("FRAUD_POSTGRES_URL", postgresUrl);
        env.put("FRAUD_KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("FRAUD_KAFKA_GROUP_ID", clusterName);
        for (String t : List.of("TRANSACTIONS", "DECISIONS", "ALERTS", "DLQ", "LABELS")) {
            env.put("FRAUD_KAFKA_TOPICS_" + t, clusterName + "." + t.toLowerCase());
        }
        env.put("FRAUD_CLUSTER_NAME", clusterName);
        env.put("FRAUD_CLUSTER_PORT", Integer.toString(hazelcastPorts.get(i)));
        env.put("FRAUD_CLUSTER_MEMBERS", members());
        env.put("FRAUD_AUDIT_LOG_DIR", logs.resolve("audit-log-" + i).toString());
        env.put("FRAUD_SECURITY_KEYS_DIR", keysDir().toString());
        env.put("FRAUD_SCORING_MODEL_PATH", new File("../models/fraud-model.json").getAbsolutePath());
        env.put("FRAUD_SCORING_MODELS_DIR", System.getProperty("java.io.tmpdir")); // ClusterIT's variants
        env.put("FRAUD_FEATURES_TIMEOUT_MS", "5000");
        env.put("FRAUD_IDEMPOTENCY_TIMEOUT_MS", "5000");
        env.put("FRAUD_IDEMPOTENCY_HTTP_STALE_AFTER_MS", "20500");
        env.put("FRAUD_SCORING_TIMEOUT_MS", "5000");
        env.putAll(extra);
        processes[i] = pb.start();
    }

    public void startAll() throws Exception {
        for (int i = 0; i < processes.length; i++) {
            start(i);
        }
        for (int i = 0; i < processes.length; i++) {
            awaitReady(i, Duration.ofSeconds(150));
        }
    }

    public void awaitReady(int i, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[i] + "/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        boolean up = Await.until(
                () -> {
                    if (!processes[i].isAlive()) {
                        throw new IllegalStateException(
                                "node " + i + " exited with " + processes[i].exitValue() + "; see " + logs);
                    }
                    try {
                        return client.send(ready, HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false; // not listening yet
                    }
                },
                timeout,
                200);
        if (!up) {
            throw new IllegalStateException(
                    "node " + i + " not ready within " + timeout.toSeconds() + " s; see " + logs);
        }
    }

    /** kill -9. */
    /** SIGSTOP (true) or SIGCONT (false): the node's JVM, and its Hazelcast member, stops answering without dying. */
    public void pause(int i, boolean paused) throws Exception {
        Process kill = new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(processes[i].pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + (paused ? "-STOP" : "-CONT") + " failed for node " + i);
        }
    }

    public void kill(int i) throws InterruptedException {
        processes[i].destroyForcibly();
        processes[i].waitFor(30, TimeUnit.SECONDS);
    }

    public long pid(int i) {
        return processes[i].pid();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
