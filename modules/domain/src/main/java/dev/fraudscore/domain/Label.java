package dev.fraudscore.domain;

import java.io.Serializable;
import java.time.OffsetDateTime;

/**
 * A verdict on an earlier transaction: fraud or genuine, and who says so (chargeback, analyst, ...).
 * The card, terminal and event time may be given; when absent the platform takes them from its audit trail.
 */
public record Label(
        String transactionId, boolean fraud, String source, String cardId, String terminalId, OffsetDateTime timestamp)
        implements Serializable {}
