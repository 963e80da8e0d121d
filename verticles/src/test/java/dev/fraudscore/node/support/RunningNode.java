package dev.fraudscore.node.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudscore.bench.Replay;
import dev.fraudscore.node.FraudNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A test node with an HTTP client and a connection to its audit database. Closing it stops the node and
 * fails the test class if Vert.x's blocked-thread checker ever reported a blocked event loop.
 */
public record RunningNode(FraudNode node, Http http, Db db) implements AutoCloseable {

    public static RunningNode start(String name, Consumer<JsonObject> overrides) throws Exception {
        FraudNode node = TestNode.start(name, overrides);
        return new RunningNode(
                node,
                new Http(node.httpPort(), node.config().security().keysDir()),
                new Db(node.config().postgres().url()));
    }

    /** A client of the node's admin and operations port: /metrics, /health, the admin API (admin key). */
    public Http ops() {
        return new Http(node.adminPort(), node.config().security().keysDir());
    }

    /** The replay tool's options for sending {@code csv} to this node (16 in flight, ids prefixed {@code prefix}). */
    public Map<String, String> replayOptions(Path csv, String prefix) {
        Map<String, String> options = Replay.defaults();
        options.put("data", csv.toString());
        options.put("url", "http://127.0.0.1:" + node.httpPort());
        options.put("metrics", "http://127.0.0.1:" + node.adminPort());
        options.put("keys", node.config().security().keysDir().toString());
        options.put("concurrency", "16");
        options.put("prefix", prefix);
        return options;
    }

    @Override
    public void close() throws Exception {
        db.close();
        node.close();
        assertEquals(List.of(), BlockedThreadWatch.warnings(), "an event loop was blocked");
    }
}
