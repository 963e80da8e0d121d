package dev.fraudscore.features;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Feature computation for a single-threaded replay of transactions in event-time order (training,
 * evaluation, tests). It applies exactly the state updates the running node applies in Hazelcast
 * ({@link VelocityState#apply}) and assembles rows with the same {@link FeatureAssembler}.
 */
public final class OfflineFeatures {
    private final Map<String, VelocityState> cards = new HashMap<>();
    private final Map<String, VelocityState> terminals = new HashMap<>();

    public float[] next(String transactionId, String cardId, String terminalId, double amount, OffsetDateTime timestamp) {
        long t = timestamp.toInstant().toEpochMilli();
        VelocityWindows card = cards.computeIfAbsent(cardId, k -> new VelocityState()).apply(transactionId, t, amount);
        VelocityWindows terminal = terminals.computeIfAbsent(terminalId, k -> new VelocityState()).apply(transactionId, t, amount);
        return FeatureAssembler.assemble(amount, timestamp, card, terminal);
    }
}
