package dev.fraudscore.node.decision;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.StageTimings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one decision verticle instance: decisions by outcome (tagged with the instance, so that a
 * scrape shows every instance taking work), the latency of each stage, and the score distribution per model
 * version. Used from the instance's event loop only.
 */
public final class DecisionMeters {
    private static final String[] STAGES = {"idempotency", "features", "scoring", "total"};
    private static final double[] SCORE_BUCKETS = {0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99};

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> decided = new EnumMap<>(Outcome.class);
    private final Timer[] stages = new Timer[STAGES.length];
    private final Map<String, DistributionSummary> scores = new HashMap<>();
    private final Map<String, Counter> degraded = new HashMap<>();

    public DecisionMeters(MeterRegistry registry, String instance) {
        this.registry = registry;
        for (int i = 0; i < STAGES.length; i++) {
            stages[i] = Timer.builder("fraud.stage.latency")
                    .description("time per pipeline stage")
                    .tag("stage", STAGES[i])
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(2))
                    .register(registry);
        }
        for (Outcome o : Outcome.values()) {
            decided.put(
                    o,
                    Counter.builder("fraud.decisions")
                            .description("decisions made")
                            .tag("outcome", o.name())
                            .tag("instance", instance)
                            .register(registry));
        }
        // exported at 0 from the start, so that a rate over them (a dashboard, an alert) exists before the first one
        for (String reason : new String[] {
            DecisionPolicy.IDEMPOTENCY_UNAVAILABLE,
            DecisionPolicy.FEATURES_UNAVAILABLE,
            DecisionPolicy.SCORING_UNAVAILABLE
        }) {
            degradedCounter(reason);
        }
    }

    private Counter degradedCounter(String reason) {
        return degraded.computeIfAbsent(
                reason,
                r -> Counter.builder("fraud.decisions.degraded")
                        .description("decisions made without a score because a dependency failed, by reason")
                        .tag("reason", r)
                        .register(registry));
    }

    /** A degraded decision, by the dependency that failed. */
    public void degraded(String reason) {
        degradedCounter(reason).increment();
    }

    /** A decision made (not a replayed one). */
    public void record(Decision d) {
        decided.get(d.outcome()).increment();
        StageTimings t = d.timings();
        stages[0].record(t.idempotencyMicros(), TimeUnit.MICROSECONDS);
        stages[1].record(t.featuresMicros(), TimeUnit.MICROSECONDS);
        stages[2].record(t.scoringMicros(), TimeUnit.MICROSECONDS);
        stages[3].record(t.totalMicros(), TimeUnit.MICROSECONDS);
        if (!d.degraded()) {
            scores.computeIfAbsent(
                            d.modelVersion(),
                            v -> DistributionSummary.builder("fraud.score")
                                    .description("scores per model version")
                                    .tag("model", v)
                                    .serviceLevelObjectives(SCORE_BUCKETS)
                                    .register(registry))
                    .record(d.score());
        }
    }
}
