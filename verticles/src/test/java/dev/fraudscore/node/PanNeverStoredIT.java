package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.Kafka;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Card numbers never stored: PAN-shaped values (test card numbers, with and without separators, bare or inside a
 * token) in every identifier field of authorize-checks, Kafka transactions and labels are refused as
 * {@code not_a_pan} naming the field; afterwards neither the audit tables, nor the decisions, alerts and DLQ topics,
 * nor the node's log hold any of those numbers.
 */
class PanNeverStoredIT {
    private static final List<String> PANS = List.of("4539578763621486", "5425233430109903", "374245455400126");
    private static RunningNode it;
    private static ListAppender<ILoggingEvent> log;

    @BeforeAll
    static void start() throws Exception {
        log = new ListAppender<>();
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        log.setContext(root.getLoggerContext());
        log.start();
        root.addAppender(log);
        it = RunningNode.start("pan_it", c -> {});
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(Logger.ROOT_LOGGER_NAME)
                .detachAppender(log);
    }

    /** Ways a card number arrives: bare, grouped with separators, inside an identifier. */
    private static List<String> shapes(String pan) {
        String grouped = pan.length() == 15
                ? pan.substring(0, 4) + "%s" + pan.substring(4, 10) + "%s" + pan.substring(10)
                : pan.replaceAll("(\\d{4})(?=\\d)", "$1%s");
        return List.of(
                pan, grouped.replace("%s", "."), grouped.replace("%s", "-"), grouped.replace("%s", "/"), "tok_" + pan);
    }

    @Test
    void panShapedIdentifiersAreRefusedAndNeverStoredPublishedOrLogged() throws Exception {
        String[] fields = {"transactionId", "cardId", "terminalId", "customerId", "deviceId"};
        int n = 0;
        List<String> kafkaValues = new ArrayList<>();
        for (String pan : PANS) {
            for (String shape : shapes(pan)) {
                for (String field : fields) {
                    JsonObject tx = Http.tx("pan-" + n, "card_pan_" + n, "term_pan", 25)
                            .put("customerId", "cust-1")
                            .put("deviceId", "dev-1")
                            .put(field, shape);
                    n++;
                    HttpResponse<String> r = it.http().authorize(tx);
                    JsonObject e = new JsonObject(r.body());
                    if (shape.length() <= (field.equals("cardId") || field.equals("deviceId") ? 128 : 64)) {
                        assertEquals(400, r.statusCode(), field + "=" + shape + ": " + r.body());
                        assertEquals("not_a_pan", e.getString("rule"), field + "=" + shape);
                        assertEquals(field, e.getString("field"));
                    }
                    kafkaValues.add(tx.encode());
                }
                JsonObject label = new JsonObject()
                        .put("transactionId", "lab-pan-" + n++)
                        .put("fraud", true)
                        .put("cardId", shape)
                        .put("terminalId", "term_pan")
                        .put("timestamp", "2026-11-01T10:00:00Z");
                HttpResponse<String> l = it.http().post("/v1/labels", "application/json", label.encode());
                assertEquals(400, l.statusCode(), l.body());
                assertEquals("not_a_pan", new JsonObject(l.body()).getString("rule"));
                kafkaValues.add(label.encode());
            }
        }
        var topics = it.node().config().kafka().topics();
        try (Kafka kafka = new Kafka()) {
            for (String v : kafkaValues) {
                String topic = v.contains("\"fraud\"") ? topics.labels() : topics.transactions();
                kafka.send(topic, "pan-test", v);
            }
            // every refused record reaches the DLQ, redacted
            List<ConsumerRecord<String, String>> dlq = kafka.read(
                    topics.dlq(), kafkaValues.size(), Duration.ofSeconds(60), r -> "pan-test".equals(r.key()));
            assertEquals(kafkaValues.size(), dlq.size(), "every refused record is dead-lettered");
            assertTrue(dlq.stream().allMatch(r -> r.value().contains("[PAN REDACTED]")), "and redacted");
            // a valid transaction after them, so that decisions and alerts have something to show
            kafka.send(
                    topics.transactions(),
                    "card_ok",
                    Http.tx("pan-ok-1", "card_ok", "term_pan", 25).encode());
            List<String> haystacks = new ArrayList<>();
            dlq.forEach(r -> haystacks.add(r.key() + " " + r.value()));
            kafka.read(topics.decisions(), 1, Duration.ofSeconds(30)).forEach(r -> haystacks.add(r.value()));
            it.db()
                    .awaitCount(
                            1,
                            Duration.ofSeconds(30),
                            "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'pan-ok-1'");
            for (String table : List.of("audit.decisions", "audit.quarantine", "audit.labels", "audit.label_history")) {
                for (Map<String, Object> row : it.db().query("SELECT t::text AS r FROM " + table + " t")) {
                    haystacks.add(String.valueOf(row.get("r")));
                }
            }
            synchronized (log.list) {
                log.list.forEach(e -> haystacks.add(e.getFormattedMessage() + " " + e.getThrowableProxy()));
            }
            for (String pan : PANS) {
                for (String h : haystacks) {
                    String digitsOnly = h.replaceAll("[ ./\\-_]", "");
                    assertFalse(digitsOnly.contains(pan), "a card number was kept: " + h);
                }
            }
            assertTrue(haystacks.size() > kafkaValues.size(), "something was searched: " + haystacks.size());
        }
    }
}
