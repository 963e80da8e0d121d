package dev.fraudscore.node.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A plain JDK HTTP client for the node's API: the test talks to the node as a payments system would. */
public final class Http {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
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
        return client.send(
                HttpRequest.newBuilder(URI.create(base + path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
