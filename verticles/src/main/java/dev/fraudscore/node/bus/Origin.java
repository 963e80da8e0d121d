package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Transaction;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Who sent a transaction and when the node took it: the client the transaction belongs to (the API key's client,
 * or {@code kafka} for the stream), the node's receive time, and the time its velocity is counted at. A
 * transaction id is unique per client only: the idempotency claim, the velocity de-duplication and the audit row
 * are keyed by {@link #scope(String) client and id}, so one client cannot claim another's ids.
 *
 * <p>The count time is the caller's event time when it is within {@code security.maxEventTimeSkewMs} of the
 * receive time or when the client may replay history (the {@code replay} role); otherwise the receive time: a
 * backdated or future-dated transaction cannot empty a card's windows.
 */
public record Origin(String client, long receivedAtMillis, long countedAtMillis) implements Serializable {
    /** The client name of stream records (the topic's producers are authenticated by Kafka, not by API keys). */
    public static final String STREAM_CLIENT = "kafka";

    /** The origin of {@code tx} received at {@code receivedAtMillis}. */
    public static Origin of(
            String client, Transaction tx, long receivedAtMillis, long maxSkewMs, boolean trustEventTime) {
        long event = tx.eventTimeMillis();
        boolean inTime = Math.abs(event - receivedAtMillis) <= maxSkewMs;
        return new Origin(client, receivedAtMillis, trustEventTime || inTime ? event : receivedAtMillis);
    }

    /** The key of a transaction id within this client's ids. Client names hold no {@code /}. */
    public String scope(String transactionId) {
        return client + "/" + transactionId;
    }

    /** True when the velocity was counted at the receive time instead of the caller's event time. */
    public boolean eventTimeOverridden(Transaction tx) {
        return countedAtMillis != tx.eventTimeMillis();
    }

    /** The count time in the transaction's own offset (time-of-day features read the local hour). */
    public OffsetDateTime countedAt(Transaction tx) {
        return OffsetDateTime.ofInstant(
                Instant.ofEpochMilli(countedAtMillis), tx.timestamp().getOffset());
    }
}
