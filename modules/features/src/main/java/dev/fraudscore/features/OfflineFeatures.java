package dev.fraudscore.features;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Feature computation for a single-threaded replay of transactions in event-time order (training,
 * evaluation, tests). It applies exactly the state updates the running node applies in Hazelcast
 * ({@link VelocityState#apply}, {@link VelocityState#applyFraudLabel}) and assembles rows with the same
 * {@link FeatureAssembler}. Labels are applied when the caller says they become known (see {@link LabelSchedule}).
 */
public final class OfflineFeatures {
    private final Map<String, VelocityState> cards = new HashMap<>();
    private final Map<String, VelocityState> terminals = new HashMap<>();

    /** Applies a fraud label (+1) or its withdrawal (-1) for a transaction at {@code eventMillis}, to its card and terminal. */
    public void label(String cardId, String terminalId, long eventMillis, int delta) {
        cards.computeIfAbsent(cardId, k -> new VelocityState()).applyFraudLabel(eventMillis, delta);
        terminals.computeIfAbsent(terminalId, k -> new VelocityState()).applyFraudLabel(eventMillis, delta);
    }

    public float[] next(
            String transactionId, String cardId, String terminalId, double amount, OffsetDateTime timestamp) {
        long t = timestamp.toInstant().toEpochMilli();
        VelocityWindows card =
                cards.computeIfAbsent(cardId, k -> new VelocityState()).apply(transactionId, t, amount);
        VelocityWindows terminal =
                terminals.computeIfAbsent(terminalId, k -> new VelocityState()).apply(transactionId, t, amount);
        return FeatureAssembler.assemble(amount, timestamp, card, terminal);
    }
}
