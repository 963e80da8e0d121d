package dev.fraudscore.node.features;

import dev.fraudscore.node.bus.Decision;

import java.io.Serializable;

/**
 * What the cluster remembers of a transaction id: the payload fingerprint, when it was claimed, and the
 * decision once there is one (null while it is being decided).
 */
public record IdempotencyEntry(String fingerprint, long claimedAtMillis, Decision decision) implements Serializable {
}
