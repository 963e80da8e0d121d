package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.PrometheusText;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.KeysCommand;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public edge and the admin port of a real node: HTTPS with client certificates required (mTLS), a certificate's
 * CN naming the API client (its keys' roles), a key and a certificate for different clients refused; /metrics and
 * the detailed /health only on the admin port; a connection that never finishes its headers closed (slowloris);
 * models loaded only from scoring.modelsDir and only with the SHA-256 the request names.
 */
class EdgeSecurityIT {
    private static final Path SERVED = Path.of("../models/fraud-model.json");
    private static RunningNode it;
    private static Vertx vertx;
    private static SelfSignedCertificate server;
    private static SelfSignedCertificate pspCert;
    private static SelfSignedCertificate strangerCert;
    private static Path modelsDir;

    @BeforeAll
    static void start() throws Exception {
        server = SelfSignedCertificate.create("localhost");
        pspCert = SelfSignedCertificate.create("psp-tls");
        strangerCert = SelfSignedCertificate.create("psp-other");
        // the client CA: psp-tls's own (self-signed) certificate; psp-other's is signed by nobody the node trusts
        // a directory of its own: a checkout under java.io.tmpdir would be inside that one
        modelsDir = Files.createTempDirectory("edge-models");
        it = RunningNode.start("edge_it", c -> {
            c.getJsonObject("scoring").put("modelsDir", modelsDir.toString());
            c.getJsonObject("http")
                    .put("headerTimeoutMs", 1000)
                    .put("requestTimeoutMs", 5000)
                    .put("requestReadTimeoutMs", 5000)
                    .put(
                            "tls",
                            new JsonObject()
                                    .put("certPath", server.certificatePath())
                                    .put("keyPath", server.privateKeyPath())
                                    .put("clientCaPath", pspCert.certificatePath()));
        });
        String key = KeysCommand.create(it.node().config().postgres().url(), "psp-tls", "decide");
        // in force once the node knows it: 403 (no admin role) instead of 401 on the admin port
        Http admin = new Http(it.node().adminPort());
        assertTrue(
                Await.until(
                        () -> admin.getWithKey("/admin/models", key).statusCode() == 403, Duration.ofSeconds(10), 50),
                "the psp-tls key is loaded");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        it.close();
    }

    private static HttpClientResponse send(SelfSignedCertificate clientCert, String key, String body) throws Exception {
        HttpClientOptions options =
                new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false);
        if (clientCert != null) {
            options.setKeyCertOptions(clientCert.keyCertOptions());
        }
        HttpClientAgent client = vertx.createHttpClient(options);
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(it.node().httpPort())
                .setURI("/v1/authorize-check")
                .putHeader("Content-Type", "application/json");
        if (key != null) {
            request.putHeader("Authorization", "Bearer " + key);
        }
        return client.request(request)
                .compose(r -> r.send(Buffer.buffer(body)))
                .compose(r -> r.body().map(b -> r))
                .await(30, TimeUnit.SECONDS);
    }

    private static String bodyOf(HttpClientResponse r) {
        return r.body().await().toString(StandardCharsets.UTF_8);
    }

    @Test
    void theEdgeServesHttpsAndAClientCertificateNamesTheClient() throws Exception {
        // the certificate alone: psp-tls, with the roles of its keys
        HttpClientResponse byCert =
                send(pspCert, null, Http.tx("tls-1", "card_tls", "term_tls", 10).encode());
        assertEquals(200, byCert.statusCode(), bodyOf(byCert));
        // a key of another client on psp-tls's connection is refused
        HttpClientResponse mixed = send(
                pspCert,
                Http.key(it.node().config().security().keysDir(), "decide"),
                Http.tx("tls-2", "card_tls", "term_tls", 10).encode());
        assertEquals(403, mixed.statusCode(), bodyOf(mixed));
        assertTrue(bodyOf(mixed).contains("psp-tls"), bodyOf(mixed));
        // no client certificate, or one signed by nobody the node trusts: no TLS session at all
        assertThrows(
                Exception.class,
                () -> send(
                        null, null, Http.tx("tls-3", "card_tls", "term_tls", 10).encode()));
        assertThrows(
                Exception.class,
                () -> send(
                        strangerCert,
                        null,
                        Http.tx("tls-4", "card_tls", "term_tls", 10).encode()));
    }

    @Test
    void metricsAndHealthDetailsAreOnTheAdminPortOnly() throws Exception {
        HttpResponse<String> metrics = it.ops().get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertFalse(
                PrometheusText.parse(metrics.body())
                        .samples("fraud_http_connections_closed_total")
                        .isEmpty(),
                "the slow-client counter is exported");
        assertEquals(200, it.ops().get("/health").statusCode());
        assertTrue(new JsonObject(it.ops().get("/health").body()).containsKey("checks"));
    }

    @Test
    void aConnectionThatStallsItsHeadersIsClosed() throws Exception {
        // the admin port is plain HTTP with the same deadlines as the edge: headerTimeoutMs 1000 here
        try (Socket socket = new Socket("127.0.0.1", it.node().adminPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(-1, socket.getInputStream().read(), "the node closed the connection");
        }
    }

    /**
     * Sends {@code head}, then one byte {@code filler} every 300 ms (so the connection is never idle) until the node
     * closes it; false if it never does within 400 bytes.
     */
    private static boolean trickledUntilClosed(String head, char filler) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", it.node().adminPort())) {
            socket.setSoTimeout(300);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 400; i++) {
                try {
                    out.write(filler);
                    out.flush();
                    if (in.read() == -1) {
                        return true;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet: keep trickling
                } catch (java.io.IOException e) {
                    return true; // reset by the node
                }
            }
            return false;
        }
    }

    private static void assertClosuresCounted(String reason) throws Exception {
        PrometheusText metrics = PrometheusText.parse(it.ops().get("/metrics").body());
        assertTrue(
                metrics.samples("fraud_http_connections_closed_total").stream()
                        .anyMatch(s -> reason.equals(s.label("reason")) && s.value() >= 1),
                "counted: " + metrics.samples("fraud_http_connections_closed_total"));
    }

    @Test
    void aConnectionThatDribblesItsHeadersIsClosedAtTheHeaderDeadline() throws Exception {
        // never idle, but its head is not complete within headerTimeoutMs (1 s here)
        assertTrue(trickledUntilClosed("GET /health HTTP/1.1\r\nX-Slow: ", 'a'), "the node closed the connection");
        assertClosuresCounted("header_timeout");
    }

    @Test
    void aRequestWhoseBodyTricklesIsClosedAtItsDeadline() throws Exception {
        // the head is whole; its body trickles past the request deadline (5 s here)
        String key = Http.key(it.node().config().security().keysDir(), "admin");
        assertTrue(
                trickledUntilClosed(
                        "POST /admin/thresholds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                + "Authorization: Bearer " + key + "\r\nContent-Length: 4000\r\n\r\n",
                        ' '),
                "the node closed the trickling request's connection");
        assertClosuresCounted("request_timeout");
    }

    @Test
    void modelsLoadOnlyFromTheModelsDirectoryWithTheirSha256() throws Exception {
        Path dir = Files.createDirectories(modelsDir.resolve("edge-variant"));
        Http admin = it.ops();
        String sha = new JsonObject(Files.readString(SERVED)).getString("modelSha256");
        // the served model's own directory is not the configured models directory
        HttpResponse<String> outside = admin.post(
                "/admin/models/champion",
                "application/json",
                new JsonObject()
                        .put("path", SERVED.toAbsolutePath().toString())
                        .put("sha256", sha)
                        .encode());
        assertEquals(422, outside.statusCode(), outside.body());
        assertTrue(new JsonObject(outside.body()).getString("error").contains("outside the models directory"));

        Files.copy(SERVED.resolveSibling("fraud-model.ubj"), dir.resolve("fraud-model.ubj"));
        JsonObject meta = new JsonObject(Files.readString(SERVED)).put("version", "xgb-edge");
        Files.writeString(dir.resolve("fraud-model.json"), meta.encode());
        String inside = dir.resolve("fraud-model.json").toString();
        HttpResponse<String> noSha = admin.post(
                "/admin/models/challenger",
                "application/json",
                new JsonObject().put("path", inside).encode());
        assertEquals(400, noSha.statusCode(), noSha.body());
        assertEquals("sha256", new JsonObject(noSha.body()).getString("field"));
        HttpResponse<String> wrongSha = admin.post(
                "/admin/models/challenger",
                "application/json",
                new JsonObject()
                        .put("path", inside)
                        .put("sha256", "0".repeat(64))
                        .encode());
        assertEquals(422, wrongSha.statusCode(), wrongSha.body());

        Files.writeString(
                dir.resolve("fraud-model.json"),
                meta.copy().putNull("modelSha256").encode());
        HttpResponse<String> unchecked = admin.post(
                "/admin/models/challenger",
                "application/json",
                new JsonObject().put("path", inside).put("sha256", sha).encode());
        assertEquals(422, unchecked.statusCode(), "metadata without a checksum: " + unchecked.body());

        Files.writeString(dir.resolve("fraud-model.json"), meta.encode());
        HttpResponse<String> ok = admin.post(
                "/admin/models/challenger",
                "application/json",
                new JsonObject().put("path", inside).put("sha256", sha).encode());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(200, admin.delete("/admin/models/challenger").statusCode());
    }
}
