package dev.fraudscore.node.idempotency;

import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.node.cluster.HazelcastSetup;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.config.ConfigLoader;
import dev.fraudscore.node.config.NodeConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The idempotency map on a real Hazelcast member with the node's configuration is bounded by
 * {@code idempotency.maxEntriesPerNode}: five times as many ids as the bound leave at most the bound (the least
 * recently used evicted), the most recent ids are nearly all still there and the oldest mostly gone.
 */
class IdempotencyBoundIT {
    @Test
    void theMapHoldsAtMostMaxEntriesPerNodeAndKeepsTheRecentIds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        JsonObject c = ConfigLoader.defaults();
        c.getJsonObject("cluster")
                .put("name", "bound-" + UUID.randomUUID())
                .put("port", port)
                .put("members", new JsonArray().add("127.0.0.1:" + port));
        c.getJsonObject("idempotency").put("maxEntriesPerNode", 20_000);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastSetup.config(NodeConfig.from(c)));
        try {
            IMap<String, String> map = hz.getMap(Maps.IDEMPOTENCY);
            for (int i = 0; i < 100_000; i++) {
                map.set("tx-" + i, "f|1|");
            }
            int size = map.size();
            assertTrue(size <= 20_000, "bounded by maxEntriesPerNode: " + size);
            assertTrue(size >= 10_000, "evicts what it must, not everything: " + size);
            int recent = 0;
            int oldest = 0;
            for (int i = 0; i < 1_000; i++) {
                recent += map.containsKey("tx-" + (99_000 + i)) ? 1 : 0;
                oldest += map.containsKey("tx-" + i) ? 1 : 0;
            }
            // Hazelcast's LRU evicts the least recently used of a sample: nearly all recent ids stay, the oldest go
            assertTrue(recent >= 950, "the most recent ids are kept: " + recent + " of the last 1,000");
            assertTrue(oldest <= 300, "the oldest are evicted first: " + oldest + " of the first 1,000 kept");
        } finally {
            hz.shutdown();
        }
    }
}
