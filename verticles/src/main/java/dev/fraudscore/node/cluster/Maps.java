package dev.fraudscore.node.cluster;

/** Names of the Hazelcast maps this node keeps. */
public final class Maps {
    private Maps() {}

    public static final String CARD_VELOCITY = "fraud.velocity.card";
    public static final String TERMINAL_VELOCITY = "fraud.velocity.terminal";
    public static final String IDEMPOTENCY = "fraud.idempotency";
    /** Per consumer group, topic and partition: the highest offset committed (all records before it processed). */
    public static final String KAFKA_WATERMARKS = "fraud.kafka.watermarks";
}
