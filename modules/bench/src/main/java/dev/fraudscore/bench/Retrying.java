package dev.fraudscore.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * How the project's clients call the platform, as a payments system should: a {@code 503} (overloaded,
 * unavailable, timeout), a {@code 502}/{@code 504} from a load balancer or a {@code 409 in_progress} is retried with the same body (the same transactionId)
 * after the answer's {@code Retry-After}, a connection that failed after a short pause; anything else is final.
 * Every retry is counted.
 */
final class Retrying {
    /** One HTTP answer: status (-1: no answer), its Retry-After seconds (-1: none) and body. */
    record Answer(int status, int retryAfterSeconds, String body) {
        boolean retryable() {
            // 502 and 504: a load balancer lost the node mid-request; the same transactionId is safe to send again
            return status == 503
                    || status == 502
                    || status == 504
                    || status == -1
                    || (status == 409 && body.contains("\"in_progress\""));
        }

        JsonObject json() {
            return new JsonObject(body);
        }

        /** The error body's rule, "connection" when there was no answer. */
        String rule() {
            if (status == -1) {
                return "connection";
            }
            try {
                return String.valueOf(json().getString("rule"));
            } catch (RuntimeException e) {
                return "HTTP " + status;
            }
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final int maxAttempts;
    private final AtomicLong retried;
    private Consumer<String> onRetry = rule -> {};

    /** {@code retried}: counts every retry; after {@code maxAttempts} the last answer is final. */
    Retrying(Vertx vertx, HttpClient client, int maxAttempts, AtomicLong retried) {
        this.vertx = vertx;
        this.client = client;
        this.maxAttempts = maxAttempts;
        this.retried = retried;
    }

    /** Told the rule of every answer that is retried ({@code overloaded}, {@code in_progress}, ...; "connection"). */
    Retrying onRetry(Consumer<String> listener) {
        this.onRetry = listener;
        return this;
    }

    /** The HTTP client every drill calls a node or a load balancer with: keep-alive, up to {@code connections}. */
    static HttpClient client(Vertx vertx, URI url, int connections) {
        return vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setDefaultHost(url.getHost())
                        .setDefaultPort(url.getPort())
                        .setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(connections))
                .build();
    }

    /** POSTs {@code body} to {@code path} until a final answer (call on the client's own context). */
    Future<Answer> post(String path, Buffer body) {
        return attempt(path, body, 1);
    }

    private Future<Answer> attempt(String path, Buffer body, int n) {
        return once(client, path, body).compose(answer -> {
            if (!answer.retryable() || n >= maxAttempts) {
                return Future.succeededFuture(answer);
            }
            retried.incrementAndGet();
            onRetry.accept(answer.rule());
            long pauseMs = answer.status() == -1 ? 250 : Math.max(0, answer.retryAfterSeconds()) * 1000L;
            return vertx.timer(Math.max(pauseMs, 50)).compose(v -> attempt(path, body, n + 1));
        });
    }

    /** One POST; a failure to connect or to be answered is status -1. */
    static Future<Answer> once(HttpClient client, String path, Buffer body) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI(path)
                .putHeader("Content-Type", "application/json");
        String key = ApiKey.forPath(path); // the role the path needs (see ApiKey)
        if (key != null) {
            options.putHeader("Authorization", "Bearer " + key);
        }
        return client.request(options.setTimeout(30_000))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body()
                        .map(b ->
                                new Answer(resp.statusCode(), retryAfter(resp.getHeader("Retry-After")), b.toString())))
                .otherwise(e -> new Answer(-1, -1, String.valueOf(e)));
    }

    private static int retryAfter(String header) {
        if (header == null) {
            return 1;
        }
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return 1; // an HTTP date: a second is as good a guess as any
        }
    }
}
