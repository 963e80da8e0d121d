package dev.fraudscore.domain;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * A validated card transaction, as the platform sees it. Optional fields are null when absent.
 * {@code timestamp} is event time with the offset the caller sent (its local clock gives hour and weekday).
 */
public record Transaction(
        String transactionId,
        String cardId,
        String terminalId,
        BigDecimal amount,
        String currency,
        OffsetDateTime timestamp,
        String customerId,
        String deviceId,
        String ipAddress,
        String mcc,
        String country,
        Channel channel)
        implements Serializable {

    /** Event time in epoch milliseconds. */
    public long eventTimeMillis() {
        return timestamp.toInstant().toEpochMilli();
    }

    public double amountAsDouble() {
        return amount.doubleValue();
    }

    /**
     * SHA-256 over a canonical form of every field: two requests with the same transaction id are
     * "the same request" exactly when their fingerprints match.
     */
    public String fingerprint() {
        String canonical = String.join(
                "\u001f",
                transactionId,
                cardId,
                terminalId,
                amount.stripTrailingZeros().toPlainString(),
                currency,
                timestamp.toInstant().toString(),
                timestamp.getOffset().getId(),
                String.valueOf(customerId),
                String.valueOf(deviceId),
                String.valueOf(ipAddress),
                String.valueOf(mcc),
                String.valueOf(country),
                String.valueOf(channel));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
