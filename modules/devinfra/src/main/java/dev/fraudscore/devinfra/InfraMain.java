package dev.fraudscore.devinfra;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts the shared development infrastructure of a local cluster, a real PostgreSQL (embedded binaries)
 * and a real KRaft Kafka broker, prints where they are, and keeps them up until killed.
 *
 * <pre>InfraMain var/cluster 15432 19092 19093</pre>
 */
public final class InfraMain {
    private InfraMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "var/cluster");
        int pgPort = args.length > 1 ? Integer.parseInt(args[1]) : 15432;
        int kafkaPort = args.length > 2 ? Integer.parseInt(args[2]) : 19092;
        int controllerPort = args.length > 3 ? Integer.parseInt(args[3]) : 19093;
        EmbeddedPostgresServer pg =
                EmbeddedPostgresServer.start(dir.resolve("postgres").toAbsolutePath(), pgPort);
        KafkaBroker kafka = KafkaBroker.start(
                dir.resolve("kafka").toAbsolutePath(), kafkaPort, controllerPort, Duration.ofSeconds(90));
        System.out.println("POSTGRES_URL=" + pg.uri("postgres"));
        System.out.println("KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers());
        System.out.println("INFRA_READY");
        Thread.currentThread().join();
    }
}
