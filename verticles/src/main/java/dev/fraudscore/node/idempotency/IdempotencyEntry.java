package dev.fraudscore.node.idempotency;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.node.json.DecisionCodec;

/**
 * What the cluster remembers of a transaction id: the payload fingerprint, when it was claimed, and the
 * decision once there is one (null while it is being decided). Stored as a compact string
 * ({@code fingerprint|claimedAt|decision-json}) that Hazelcast moves without reflection.
 */
public record IdempotencyEntry(String fingerprint, long claimedAtMillis, Decision decision) {

    public String encode() {
        return fingerprint + '|' + claimedAtMillis + '|' + (decision == null ? "" : DecisionCodec.encode(decision));
    }

    public static IdempotencyEntry decode(String s) {
        int a = s.indexOf('|');
        int b = s.indexOf('|', a + 1);
        String decision = s.substring(b + 1);
        return new IdempotencyEntry(
                s.substring(0, a),
                Long.parseLong(s.substring(a + 1, b)),
                decision.isEmpty() ? null : DecisionCodec.decode(decision));
    }
}
