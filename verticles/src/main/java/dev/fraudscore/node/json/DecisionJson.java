package dev.fraudscore.node.json;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.bus.DecisionEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** JSON for decisions at the edges (HTTP responses, Kafka "decisions" and "fraud-alerts" records). */
public final class DecisionJson {
    private DecisionJson() {}

    /** The authorize-check response body. */
    public static JsonObject decision(Decision d, boolean replayed, double tookMs) {
        JsonObject json = new JsonObject()
                .put("transactionId", d.transactionId())
                .put("decision", d.outcome().name())
                .put("score", round(d.score(), 1e6))
                .put("reasons", reasons(d))
                .put("modelVersion", d.modelVersion())
                .put(
                        "thresholds",
                        new JsonObject()
                                .put("review", d.thresholds().review())
                                .put("decline", d.thresholds().decline()))
                .put("degraded", d.degraded())
                .put("decidedAt", d.decidedAt().toString())
                .put("node", d.nodeId())
                .put("timingsMicros", timings(d.timings()))
                .put("tookMs", Math.round(tookMs * 1000) / 1000.0);
        if (d.degraded()) {
            json.put("degradedReason", d.degradedReason());
        }
        if (replayed) {
            json.put("replayed", true);
        }
        if (d.canary()) {
            json.put("canary", true); // the challenger decided: modelVersion is the challenger's
        }
        return json;
    }

    /** Kafka records and the audit trail carry the shadow model's score; the HTTP answer does not. */
    private static void putChallenger(JsonObject json, Decision d) {
        if (d.challengerVersion() != null) {
            json.put(
                    "challenger",
                    new JsonObject()
                            .put("modelVersion", d.challengerVersion())
                            .put("score", round(d.challengerScore(), 1e6)));
        }
    }

    /** A Kafka "decisions" or "fraud-alerts" record: the decision plus the transaction it judged. */
    public static JsonObject event(DecisionEvent e) {
        Decision d = e.decision();
        JsonObject json = decision(d, e.replayed(), d.timings().totalMicros() / 1000.0);
        json.remove("tookMs");
        json.put("source", e.source().name());
        json.put("client", e.origin().client());
        if (e.origin().eventTimeOverridden(e.transaction())) {
            json.put(
                    "countedAt",
                    Instant.ofEpochMilli(e.origin().countedAtMillis()).toString());
        }
        putChallenger(json, d);
        json.put("transaction", transaction(e.transaction()));
        return json;
    }

    public static JsonObject transaction(Transaction tx) {
        JsonObject json = new JsonObject()
                .put("transactionId", tx.transactionId())
                .put("cardId", tx.cardId())
                .put("terminalId", tx.terminalId())
                .put("amount", tx.amount())
                .put("currency", tx.currency())
                .put("timestamp", tx.timestamp().toString());
        putIfSet(json, "customerId", tx.customerId());
        putIfSet(json, "deviceId", tx.deviceId());
        putIfSet(json, "ipAddress", tx.ipAddress());
        putIfSet(json, "mcc", tx.mcc());
        putIfSet(json, "country", tx.country());
        putIfSet(json, "channel", tx.channel() == null ? null : tx.channel().name());
        return json;
    }

    public static JsonArray reasons(Decision d) {
        JsonArray a = new JsonArray();
        for (Reason r : d.reasons()) {
            a.add(new JsonObject()
                    .put("code", r.code())
                    .put("value", finite(r.value()))
                    .put("contribution", round(r.contribution(), 1e4)));
        }
        return a;
    }

    private static JsonObject timings(StageTimings t) {
        return new JsonObject()
                .put("idempotency", t.idempotencyMicros())
                .put("features", t.featuresMicros())
                .put("scoring", t.scoringMicros())
                .put("total", t.totalMicros());
    }

    private static void putIfSet(JsonObject json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    /** Rounded for humans (scores are single-precision); null when not a number. */
    private static Double round(double v, double scale) {
        return Double.isFinite(v) ? Math.round(v * scale) / scale : null;
    }

    /** JSON has no NaN: a missing value is null. */
    public static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
