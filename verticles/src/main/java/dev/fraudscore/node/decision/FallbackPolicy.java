package dev.fraudscore.node.decision;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Transaction;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a degraded decision answers (Hazelcast or the model failed, so there is no score): an outcome by amount
 * tiers, per channel. Card schemes call this stand-in processing: small amounts are approved (little is lost,
 * and refusing every everyday payment while a dependency is down costs more), medium ones sent to review, large
 * ones declined; card-not-present channels get lower tiers, ATMs no review. Amounts are in the transaction's own
 * currency (no conversion). Plain logic, no Vert.x.
 */
public final class FallbackPolicy {
    /** Up to and including {@code upTo} (null: any amount), this outcome. */
    public record Tier(BigDecimal upTo, Outcome outcome) {}

    private final List<Tier> defaults;
    private final Map<Channel, List<Tier>> byChannel;

    public FallbackPolicy(List<Tier> defaults, Map<Channel, List<Tier>> byChannel) {
        this.defaults = List.copyOf(defaults);
        this.byChannel = new EnumMap<>(Channel.class);
        this.byChannel.putAll(byChannel);
    }

    public Outcome outcome(Transaction tx) {
        List<Tier> tiers = tx.channel() == null ? defaults : byChannel.getOrDefault(tx.channel(), defaults);
        for (Tier t : tiers) {
            if (t.upTo() == null || tx.amount().compareTo(t.upTo()) <= 0) {
                return t.outcome();
            }
        }
        throw new IllegalStateException("tiers end with a catch-all: " + tiers);
    }

    /**
     * Reads tiers written as {@code "50 APPROVE", "500 REVIEW", "DECLINE"}: amounts ascending, the last one without an
     * amount. An empty list is null (use the default tiers). Throws IllegalArgumentException saying what is wrong.
     */
    public static List<Tier> parse(List<String> entries) {
        if (entries.isEmpty()) {
            return null;
        }
        List<Tier> tiers = new ArrayList<>();
        BigDecimal previous = null;
        for (int i = 0; i < entries.size(); i++) {
            String[] parts = entries.get(i).trim().split("\\s+");
            boolean last = i == entries.size() - 1;
            if (parts.length == 1 && last) {
                tiers.add(new Tier(null, outcome(parts[0])));
                continue;
            }
            if (parts.length != 2 || last) {
                throw new IllegalArgumentException("tier '" + entries.get(i) + "': write \"AMOUNT OUTCOME\" tiers in "
                        + "ascending order and end with an OUTCOME alone (for every larger amount)");
            }
            BigDecimal upTo;
            try {
                upTo = new BigDecimal(parts[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tier '" + entries.get(i) + "': " + parts[0] + " is not an amount");
            }
            if (previous != null && upTo.compareTo(previous) <= 0) {
                throw new IllegalArgumentException("tier '" + entries.get(i) + "': amounts must be ascending");
            }
            previous = upTo;
            tiers.add(new Tier(upTo, outcome(parts[1])));
        }
        return tiers;
    }

    private static Outcome outcome(String s) {
        try {
            return Outcome.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s + " is not APPROVE, REVIEW or DECLINE");
        }
    }
}
