package dev.fraudscore.node.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudscore.node.FraudNode;
import io.vertx.core.json.JsonObject;
import java.util.List;
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

    @Override
    public void close() throws Exception {
        db.close();
        node.close();
        assertEquals(List.of(), BlockedThreadWatch.warnings(), "an event loop was blocked");
    }
}
