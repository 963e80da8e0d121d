package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.config.ConfigException;
import dev.fraudscore.node.config.ConfigLoader;
import dev.fraudscore.node.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The embedded development servers start only with {@code node.dev} (ops/run.sh sets it): a node configured
 * without a PostgreSQL URL or Kafka servers, as a production image would be by mistake, refuses to start and names
 * the key, instead of quietly keeping its audit trail in a database of its own.
 */
class StartupIT {
    @Test
    void withoutTheDevSwitchAnEmptyPostgresUrlOrKafkaListRefusesToStart() {
        JsonObject c = ConfigLoader.defaults();
        c.getJsonObject("scoring").put("modelPath", "../models/fraud-model.json");
        ConfigException pg = assertThrows(ConfigException.class, () -> FraudNode.start(NodeConfig.from(c)));
        assertEquals("postgres.url", pg.key(), pg.getMessage());
        c.getJsonObject("postgres").put("url", "postgresql://postgres@127.0.0.1:5432/postgres");
        ConfigException kafka = assertThrows(ConfigException.class, () -> FraudNode.start(NodeConfig.from(c)));
        assertEquals("kafka.bootstrapServers", kafka.key(), kafka.getMessage());
    }
}
