package dev.fraudscore.kafkabroker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * Runs a real single-node KRaft Kafka broker from the Maven Central jars: formats the log directory on
 * first start, then hands over to {@code kafka.Kafka}. The parent process holds this process's stdin;
 * when the parent dies (even by kill -9) stdin closes and the broker exits, so no orphan keeps the ports.
 *
 * <pre>java -cp $(cat target/broker.classpath):target/classes dev.fraudscore.kafkabroker.BrokerMain server.properties</pre>
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BrokerMain server.properties");
            System.exit(2);
        }
        Path config = Path.of(args[0]);
        if (!"--no-parent-watch".equals(System.getenv("FRAUD_BROKER_WATCH"))) {
            watchParent(System.in);
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, System.out);
            if (rc != 0) {
                System.err.println("formatting " + logDir + " failed with exit code " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }

    private static void watchParent(InputStream stdin) {
        Thread t = new Thread(
                () -> {
                    try {
                        while (stdin.read() >= 0) {
                            // the parent never writes; we only wait for end-of-file
                        }
                    } catch (IOException ignored) {
                        // a broken pipe means the same as end-of-file: the parent is gone
                    }
                    Runtime.getRuntime().halt(0);
                },
                "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
