package dev.fraudscore.node.support;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.Origin;
import dev.fraudscore.node.bus.Source;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/** Decisions made up for tests of single verticles (audit, alerts), shaped like the pipeline's. */
public final class Events {
    private Events() {}

    public static DecisionEvent decided(String transactionId, String card, double score) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Transaction tx = new Transaction(
                transactionId,
                card,
                "term_1",
                new BigDecimal("12.50"),
                "EUR",
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                null,
                null,
                null,
                null,
                null,
                null);
        Thresholds thresholds = new Thresholds(0.5, 0.9);
        Decision d = new Decision(
                transactionId,
                thresholds.apply(score),
                score,
                List.of(new Reason("AMOUNT", 12.5, 0.4)),
                "xgb-test",
                thresholds,
                false,
                null,
                now,
                "test-node",
                new StageTimings(10, 20, 30, 60),
                Double.NaN,
                null);
        float[] features = new float[Feature.COUNT];
        Arrays.fill(features, 1f);
        long t = tx.eventTimeMillis();
        return new DecisionEvent(tx, Source.KAFKA, features, d, false, new Origin(Origin.STREAM_CLIENT, t, t));
    }
}
