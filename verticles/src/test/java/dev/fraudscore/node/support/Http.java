package dev.fraudscore.node.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A plain JDK HTTP client for the node's API: the test talks to the node as a payments system would, with the API
 * key of the role each path needs (read from the node's keys directory: {@code decide.key} for authorize-checks,
 * {@code label.key} for labels, {@code admin.key} for the admin API), or with none.
 */
public final class Http {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Paths of the analysts' API: sent with the analyst key. */
    private static final Pattern ANALYST_PATHS = Pattern.compile("/v1/(decisions|cases|cards|terminals|stats)\\b");

    private final String base;
    private final Path keys;
    private final String decideRole;

    /** Sends no API key. */
    public Http(int port) {
        this(port, null);
    }

    /** Sends the key from {@code keysDir} that each path's role needs. */
    public Http(int port, Path keysDir) {
        this(port, keysDir, "decide");
    }

    private Http(int port, Path keysDir, String decideRole) {
        this.base = "http://127.0.0.1:" + port;
        this.keys = keysDir;
        this.decideRole = decideRole;
    }

    /**
     * A client whose authorize-checks send the {@code replay} key: historical event times are counted as sent
     * (with the {@code decide} key, one further than security.maxEventTimeSkewMs from now counts at receive time).
     */
    public Http replaying() {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), keys, "replay");
    }

    /** The key a node wrote for {@code role} in {@code keysDir}. */
    public static String key(Path keysDir, String role) {
        try {
            return Files.readString(keysDir.resolve(role + ".key")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no " + role + " key in " + keysDir, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (keys != null) {
            String role = path.startsWith("/v1/labels")
                    ? "label"
                    : path.startsWith("/admin")
                            ? "admin"
                            : ANALYST_PATHS.matcher(path).lookingAt() ? "analyst" : decideRole;
            b.header("Authorization", "Bearer " + key(keys, role));
        }
        return b;
    }

    public static JsonObject tx(String id, String card, String terminal, double amount) {
        return new JsonObject()
                .put("transactionId", id)
                .put("cardId", card)
                .put("terminalId", terminal)
                .put("amount", amount)
                .put("currency", "EUR")
                .put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    }

    public CompletableFuture<HttpResponse<String>> postAsync(String path, String contentType, String body) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return postAsync(path, contentType, body).get(30, TimeUnit.SECONDS);
    }

    public HttpResponse<String> authorize(JsonObject tx) throws Exception {
        return post("/v1/authorize-check", "application/json", tx.encode());
    }

    public HttpResponse<String> delete(String path) throws Exception {
        return client.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST a JSON body with the given key (whatever this client's keys directory holds). */
    public HttpResponse<String> postWithKey(String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(
                b.POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the given key (whatever this client's keys directory holds). */
    public HttpResponse<String> getWithKey(String path, String key) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .GET()
                .build();
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
