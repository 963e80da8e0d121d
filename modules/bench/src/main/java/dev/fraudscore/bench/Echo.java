package dev.fraudscore.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's baseline: a bare Vert.x HTTP server that answers each POST with its body, driven closed
 * loop by the same client shape as the platform benchmark, in the same run, so the platform's figure can
 * be read as a share of what this machine does for an empty request.
 */
final class Echo {
    private Echo() {}

    static double measure(Vertx vertx, int requests, int concurrency) throws Exception {
        HttpServer server = vertx.createHttpServer()
                .requestHandler(req -> req.body()
                        .onSuccess(b -> req.response()
                                .putHeader("Content-Type", "application/json")
                                .end(b)))
                .listen(0, "127.0.0.1")
                .await();
        HttpClient client = vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(server.actualPort())
                        .setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(concurrency))
                .build();
        Buffer body = Buffer.buffer(
                "{\"transactionId\":\"echo\",\"cardId\":\"card_1\",\"terminalId\":\"term_1\",\"amount\":12.5,"
                        + "\"currency\":\"EUR\",\"timestamp\":\"2026-11-21T10:00:00Z\"}");
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            AtomicLong sent = new AtomicLong();
            AtomicLong finished = new AtomicLong();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long start = System.nanoTime();
            for (int c = 0; c < concurrency; c++) {
                next(client, body, requests, sent, finished, done);
            }
            done.get(10, TimeUnit.MINUTES);
            double rate = requests / ((System.nanoTime() - start) / 1e9);
            if (round == 1) {
                client.close().await();
                server.close().await();
                return rate;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static void next(
            HttpClient client,
            Buffer body,
            int requests,
            AtomicLong sent,
            AtomicLong finished,
            CompletableFuture<Void> done) {
        if (sent.getAndIncrement() >= requests) {
            return;
        }
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/echo"))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body())
                .onComplete(ar -> {
                    if (finished.incrementAndGet() == requests) {
                        done.complete(null);
                    } else {
                        next(client, body, requests, sent, finished, done);
                    }
                });
    }
}
