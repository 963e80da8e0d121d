package dev.fraudscore.node.bus;

import java.io.Serializable;

/**
 * The model's input row for one transaction, in {@code Feature.ORDER} (treat the array as read-only).
 * {@code interactive}: a caller is waiting (HTTP); scored before rows from the stream.
 */
public record FeatureVector(float[] values, boolean interactive, int canaryBucket) implements Serializable {
    /** Buckets a card falls in: a canary share s takes the cards of buckets below s x {@value}. */
    public static final int BUCKETS = 10_000;

    /** Whether the row is a transaction's (a probe's has no card, bucket {@link #BUCKETS}). */
    public boolean fromTransaction() {
        return canaryBucket < BUCKETS;
    }

    /** A row with no card (probes): never in a canary, never counted as traffic. */
    public FeatureVector(float[] values, boolean interactive) {
        this(values, interactive, BUCKETS);
    }

    /**
     * The card's canary bucket, stable across nodes and restarts (FNV-1a over its UTF-8 bytes, then mixed): one card
     * always sees the same model at a given share, and raising the share only adds cards.
     */
    public static int bucket(String card) {
        long h = 0xcbf29ce484222325L;
        for (byte b : card.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) Math.floorMod(h, (long) BUCKETS);
    }
}
