package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.devinfra.FreePorts;
import dev.fraudscore.node.cluster.HazelcastSetup;
import dev.fraudscore.node.config.ConfigLoader;
import dev.fraudscore.node.config.NodeConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast member every node embeds, configured as the node configures it (HazelcastSetup), on loopback: it
 * accepts members only (a Hazelcast client, which would need no membership to read and change every map, cannot
 * connect), and it deserializes only allowed classes (a known gadget class is refused, a JDK collection is not).
 */
class ClusterBoundaryIT {
    private static HazelcastInstance member;
    private static String cluster;
    private static int port;

    @BeforeAll
    static void start() {
        cluster = "boundary-" + UUID.randomUUID().toString().substring(0, 6);
        port = FreePorts.next();
        JsonObject c = ConfigLoader.defaults();
        c.getJsonObject("cluster")
                .put("name", cluster)
                .put("port", port)
                .put("members", new JsonArray().add("127.0.0.1:" + port));
        c.getJsonObject("node").put("id", cluster);
        member = Hazelcast.newHazelcastInstance(HazelcastSetup.config(NodeConfig.from(c)));
    }

    @AfterAll
    static void stop() {
        member.shutdown();
    }

    @Test
    void aHazelcastClientCannotConnectToANode() {
        ClientConfig client = new ClientConfig().setClusterName(cluster);
        client.getNetworkConfig().addAddress("127.0.0.1:" + port);
        client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
        List<HazelcastInstance> connected = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> connected.add(HazelcastClient.newHazelcastClient(client)));
        connected.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void onlyAllowedClassesAreDeserialized() {
        IMap<String, Object> map = member.getMap("boundary-probe");
        ArrayList<String> allowed = new ArrayList<>(List.of("a", "b"));
        map.put("allowed", allowed);
        assertEquals(allowed, map.get("allowed"));
        map.put("gadget", new java.awt.Point(1, 2)); // Serializable, outside the allow-list
        RuntimeException refused = assertThrows(RuntimeException.class, () -> map.get("gadget"));
        assertTrue(
                String.valueOf(refused.getMessage()).contains("java.awt.Point")
                        || refused.getCause() instanceof SecurityException,
                refused.toString());
    }
}
