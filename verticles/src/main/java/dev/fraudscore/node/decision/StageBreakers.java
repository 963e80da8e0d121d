package dev.fraudscore.node.decision;

import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker per pipeline stage that depends on something that can fail (resilience4j, shared by every
 * decision instance of the node). A stage whose calls keep failing or missing their deadline trips its breaker:
 * for {@code breakers.openMs} its calls fail at once, so decisions go straight to the fallback instead of each
 * waiting out the deadline; then a few probe calls go through (half-open) and, if they succeed, the breaker
 * closes. Overload (a full scoring queue) is not the dependency failing and is not counted. The state of each
 * breaker is the gauge {@code fraud_breaker_state{stage}} (0 closed, 1 open, 2 half-open).
 */
public final class StageBreakers {
    private static final Logger LOG = LoggerFactory.getLogger(StageBreakers.class);

    public enum Stage {
        IDEMPOTENCY,
        FEATURES,
        SCORING
    }

    private final Map<Stage, CircuitBreaker> breakers = new EnumMap<>(Stage.class);

    public StageBreakers(NodeConfig.Breakers config, MeterRegistry registry) {
        CircuitBreakerConfig c = CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRatePercent())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.windowCalls())
                .minimumNumberOfCalls(Math.min(config.minimumCalls(), config.windowCalls()))
                .waitDurationInOpenState(Duration.ofMillis(config.openMs()))
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
                .build();
        for (Stage stage : Stage.values()) {
            CircuitBreaker b = CircuitBreaker.of(stage.name().toLowerCase(), c);
            b.getEventPublisher()
                    .onStateTransition(e -> LOG.warn(
                            "circuit breaker of stage {}: {}", stage.name().toLowerCase(), e.getStateTransition()));
            breakers.put(stage, b);
            Gauge.builder("fraud.breaker.state", b, StageBreakers::code)
                    .description("circuit breaker of a pipeline stage: 0 closed, 1 open, 2 half-open")
                    .tag("stage", stage.name().toLowerCase())
                    .register(registry);
        }
    }

    private static double code(CircuitBreaker b) {
        return switch (b.getState()) {
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 0;
        };
    }

    public CircuitBreaker.State state(Stage stage) {
        return breakers.get(stage).getState();
    }

    /**
     * Runs a call of the stage through its breaker: fails at once with {@link Failure#UNAVAILABLE} when the breaker
     * is open; records the call's outcome otherwise.
     */
    public <T> Future<T> call(Stage stage, Supplier<Future<T>> call) {
        CircuitBreaker b = breakers.get(stage);
        if (!b.tryAcquirePermission()) {
            return Future.failedFuture(Failure.UNAVAILABLE.exception(
                    "the " + stage.name().toLowerCase() + " stage's circuit breaker is open"));
        }
        long start = System.nanoTime();
        return call.get().onComplete(ar -> {
            long took = System.nanoTime() - start;
            if (ar.succeeded()) {
                b.onSuccess(took, TimeUnit.NANOSECONDS);
            } else if (ApiError.of(ar.cause()).failure() == Failure.OVERLOADED) {
                b.releasePermission(); // the node is busy; the dependency is fine
            } else {
                b.onError(took, TimeUnit.NANOSECONDS, ar.cause());
            }
        });
    }
}
