package dev.fraudscore.node.json;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Decision} as compact JSON and back, exactly (the idempotency store keeps decisions this way).
 * NaN (a degraded score, a missing feature value behind a reason) travels as null.
 */
public final class DecisionCodec {
    private DecisionCodec() {}

    public static String encode(Decision d) {
        JsonArray reasons = new JsonArray();
        for (Reason r : d.reasons()) {
            reasons.add(new JsonArray().add(r.code()).add(nan(r.value())).add(nan(r.contribution())));
        }
        StageTimings t = d.timings();
        return new JsonObject()
                .put("i", d.transactionId())
                .put("o", d.outcome().name())
                .put("s", nan(d.score()))
                .put("r", reasons)
                .put("m", d.modelVersion())
                .put("tr", d.thresholds().review())
                .put("td", d.thresholds().decline())
                .put("g", d.degraded())
                .put("gr", d.degradedReason())
                .put("at", d.decidedAt().toString())
                .put("n", d.nodeId())
                .put(
                        "t",
                        new JsonArray()
                                .add(t.idempotencyMicros())
                                .add(t.featuresMicros())
                                .add(t.scoringMicros())
                                .add(t.totalMicros()))
                .put("cs", nan(d.challengerScore()))
                .put("cv", d.challengerVersion())
                .put("k", d.canary() ? Boolean.TRUE : null)
                .encode();
    }

    public static Decision decode(String json) {
        JsonObject j = new JsonObject(json);
        List<Reason> reasons = new ArrayList<>();
        for (Object o : j.getJsonArray("r")) {
            JsonArray r = (JsonArray) o;
            reasons.add(new Reason(r.getString(0), num(r.getValue(1)), num(r.getValue(2))));
        }
        JsonArray t = j.getJsonArray("t");
        return new Decision(
                j.getString("i"),
                Outcome.valueOf(j.getString("o")),
                num(j.getValue("s")),
                List.copyOf(reasons),
                j.getString("m"),
                new Thresholds(j.getDouble("tr"), j.getDouble("td")),
                j.getBoolean("g"),
                j.getString("gr"),
                Instant.parse(j.getString("at")),
                j.getString("n"),
                new StageTimings(t.getLong(0), t.getLong(1), t.getLong(2), t.getLong(3)),
                num(j.getValue("cs")),
                j.getString("cv"),
                Boolean.TRUE.equals(j.getValue("k")));
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double num(Object v) {
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
