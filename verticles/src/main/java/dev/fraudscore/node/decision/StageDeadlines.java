package dev.fraudscore.node.decision;

import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.config.NodeConfig;

/**
 * The deadline of each stage of one decision, and when an undecided claim of its transaction id goes stale.
 * An authorize-check has a caller waiting: short deadlines from the idempotency, features and scoring
 * sections. A stream record has none: every stage gets {@code kafka.stageTimeoutMs}.
 */
public record StageDeadlines(long claimMs, long featuresMs, long scoringMs, long rememberMs, long staleAfterMs) {

    /** The deadlines of both kinds of decision. */
    public record BySource(StageDeadlines interactive, StageDeadlines stream) {
        public StageDeadlines of(Source source) {
            return source == Source.HTTP ? interactive : stream;
        }

        public static BySource from(NodeConfig c) {
            long stage = c.kafka().stageTimeoutMs();
            return new BySource(
                    new StageDeadlines(
                            c.idempotency().timeoutMs(),
                            c.features().timeoutMs(),
                            c.scoring().timeoutMs(),
                            c.idempotency().timeoutMs(),
                            c.idempotency().httpStaleAfterMs()),
                    new StageDeadlines(
                            stage, stage, stage, stage, c.idempotency().streamStaleAfterMs()));
        }
    }
}
