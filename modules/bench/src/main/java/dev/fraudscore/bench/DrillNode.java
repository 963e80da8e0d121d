package dev.fraudscore.bench;

import dev.fraudscore.devinfra.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node for a drill, started the way a user starts one ({@code ops/run.sh}, already built), on free ports and
 * pointed at the drill's own PostgreSQL and Kafka; its log in {@code dir}.
 */
final class DrillNode implements AutoCloseable {
    final int httpPort = FreePorts.next();
    final URI url = URI.create("http://127.0.0.1:" + httpPort);
    private final Process process;

    DrillNode(Path dir, String postgresUrl, String kafka, Map<String, String> extra) throws Exception {
        Files.createDirectories(dir);
        int hz = FreePorts.next();
        ProcessBuilder pb = new ProcessBuilder("bash", "ops/run.sh")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("node.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("FRAUD_")); // the drill's own settings are not the node's
        env.put("FRAUD_SKIP_BUILD", "1");
        env.put("FRAUD_NODE_ID", "drill-node");
        env.put("FRAUD_HTTP_PORT", Integer.toString(httpPort));
        env.put("FRAUD_ADMIN_PORT", Integer.toString(FreePorts.next()));
        env.put("FRAUD_CLUSTER_NAME", "drill-" + hz);
        env.put("FRAUD_CLUSTER_PORT", Integer.toString(hz));
        env.put("FRAUD_CLUSTER_MEMBERS", "127.0.0.1:" + hz);
        env.put("FRAUD_POSTGRES_URL", postgresUrl);
        env.put("FRAUD_KAFKA_BOOTSTRAP_SERVERS", kafka);
        env.put("FRAUD_AUDIT_LOG_DIR", dir.resolve("audit-log").toString());
        env.put("FRAUD_SECURITY_KEYS_DIR", dir.resolve("keys").toString()); // its own keys, not var/keys
        env.putAll(extra);
        process = pb.start();
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            try {
                if (client.send(
                                        HttpRequest.newBuilder(url.resolve("/health/ready"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    ApiKey.useDir(dir.resolve("keys"));
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the drill's node did not become ready; see " + dir.resolve("node.log"));
            }
            Thread.sleep(250);
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
