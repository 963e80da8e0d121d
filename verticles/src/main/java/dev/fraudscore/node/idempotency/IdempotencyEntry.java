package dev.fraudscore.node.idempotency;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.node.json.DecisionCodec;

/**
 * What the cluster remembers of a transaction id: the payload fingerprint, and either a claim (someone is
 * deciding it since {@code claimedAtMillis}), a decision (answer it again), or a release (no decision was kept:
 * the next attempt decides afresh; {@code counted} says whether the first attempt already counted the
 * transaction in the velocity state). Stored as a compact string that Hazelcast moves without reflection:
 * {@code fingerprint|claimedAt|} claimed, {@code fingerprint|claimedAt|decision-json} decided,
 * {@code fingerprint|r1|} or {@code fingerprint|r0|} released (counted or not).
 */
public record IdempotencyEntry(String fingerprint, long claimedAtMillis, Decision decision, Released released) {
    /** A released entry: no active claim, no decision. */
    public record Released(boolean counted) {}

    public static IdempotencyEntry claimed(String fingerprint, long claimedAtMillis) {
        return new IdempotencyEntry(fingerprint, claimedAtMillis, null, null);
    }

    public static IdempotencyEntry decided(String fingerprint, long claimedAtMillis, Decision decision) {
        return new IdempotencyEntry(fingerprint, claimedAtMillis, decision, null);
    }

    public static IdempotencyEntry released(String fingerprint, boolean counted) {
        return new IdempotencyEntry(fingerprint, 0, null, new Released(counted));
    }

    public String encode() {
        if (released != null) {
            return fingerprint + (released.counted() ? "|r1|" : "|r0|");
        }
        return fingerprint + '|' + claimedAtMillis + '|' + (decision == null ? "" : DecisionCodec.encode(decision));
    }

    public static IdempotencyEntry decode(String s) {
        int a = s.indexOf('|');
        int b = s.indexOf('|', a + 1);
        String fingerprint = s.substring(0, a);
        if (s.charAt(a + 1) == 'r') {
            return released(fingerprint, s.charAt(a + 2) == '1');
        }
        String decision = s.substring(b + 1);
        long claimedAt = Long.parseLong(s.substring(a + 1, b));
        return decision.isEmpty()
                ? claimed(fingerprint, claimedAt)
                : decided(fingerprint, claimedAt, DecisionCodec.decode(decision));
    }
}
