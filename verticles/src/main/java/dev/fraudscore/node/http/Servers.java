package dev.fraudscore.node.http;

import dev.fraudscore.node.config.NodeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every HTTP server of a node shares: HTTPS when a certificate is configured (client certificates required
 * when a client CA is), HTTP/1.1 only (no cleartext HTTP/2 upgrade: Vert.x then reports each connection as it opens),
 * and deadlines against clients that hold connections open (slowloris), each closing the connection and counted
 * ({@code fraud_http_connections_closed_total{reason}}):
 *
 * <ul>
 *   <li>a new connection must deliver a whole request head within {@code headerTimeoutMs} (a client dribbling its
 *       headers a byte at a time is closed then), and a TLS handshake must end within it;
 *   <li>a request must be read whole and answered within {@code requestReadTimeoutMs} of its head;
 *   <li>the next request's head must arrive within {@code idleTimeoutSeconds} of the previous answer (Vert.x's idle
 *       timeout, the same length, closes a connection silent both ways that long).
 * </ul>
 */
public final class Servers {
    private Servers() {}

    /** The server options for {@code host:port}: TLS from {@code tls} (null: plain HTTP), idle timeout. */
    public static HttpServerOptions options(String host, int port, NodeConfig.Tls tls, NodeConfig.Limits limits) {
        HttpServerOptions o = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeoutSeconds() * 1000L));
        if (tls != null && tls.enabled()) {
            o.setSsl(true)
                    .setSslHandshakeTimeout(limits.headerTimeoutMs())
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setKeyCertOptions(
                            new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
            if (tls.mutual()) {
                o.setClientAuth(ClientAuth.REQUIRED)
                        .setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaPath()));
            }
        }
        return o;
    }

    /** Installs the read deadlines on {@code server} in front of {@code router}; call once, before listen. */
    public static HttpServer guard(
            Vertx vertx, HttpServer server, Router router, NodeConfig.Limits limits, MeterRegistry registry) {
        Deadlines d = new Deadlines(vertx, limits, registry);
        // first of all routes: once a request is answered, the connection has idleTimeoutSeconds for the next one
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpConnection connection = ctx.request().connection();
            ctx.put(DEADLINES, d);
            ctx.addEndHandler(v -> d.answered(connection));
            ctx.next();
        });
        return server.connectionHandler(d::opened).requestHandler(request -> {
            d.requestStarted(request.connection());
            router.handle(request);
        });
    }

    /**
     * The request is read whole and its answer is a stream that stays open (server-sent events): the read deadline
     * no longer applies; the stream's own heartbeats keep the connection from the idle timeout.
     */
    public static void streaming(RoutingContext ctx) {
        Deadlines d = ctx.get(DEADLINES);
        if (d != null) {
            d.cancel(ctx.request().connection());
        }
    }

    private static final String DEADLINES = "fraud.deadlines";

    /** One timer per connection (the server's verticle owns them all: one event loop, no locking). */
    private static final class Deadlines {
        private final Vertx vertx;
        private final NodeConfig.Limits limits;
        private final Map<HttpConnection, Long> timers = new HashMap<>();
        private final Counter slowHeaders;
        private final Counter slowRequest;

        Deadlines(Vertx vertx, NodeConfig.Limits limits, MeterRegistry registry) {
            this.vertx = vertx;
            this.limits = limits;
            this.slowHeaders = closed(registry, "header_timeout");
            this.slowRequest = closed(registry, "request_timeout");
        }

        private static Counter closed(MeterRegistry registry, String reason) {
            return Counter.builder("fraud.http.connections.closed")
                    .description("connections closed for being too slow to send a request (slowloris)")
                    .tag("reason", reason)
                    .register(registry);
        }

        /** A new connection (reported as it opens: no h2c upgrade detection): its first head is due. */
        void opened(HttpConnection connection) {
            arm(connection, limits.headerTimeoutMs(), slowHeaders);
            connection.closeHandler(v -> cancel(connection));
        }

        void requestStarted(HttpConnection connection) {
            arm(connection, limits.requestReadTimeoutMs(), slowRequest);
        }

        void answered(HttpConnection connection) {
            arm(connection, limits.idleTimeoutSeconds() * 1000L, slowHeaders);
        }

        private void arm(HttpConnection connection, long ms, Counter reason) {
            cancel(connection);
            Handler<Long> expire = id -> {
                timers.remove(connection);
                reason.increment();
                connection.close();
            };
            timers.put(connection, vertx.setTimer(ms, expire));
        }

        private void cancel(HttpConnection connection) {
            Long id = timers.remove(connection);
            if (id != null) {
                vertx.cancelTimer(id);
            }
        }
    }
}
