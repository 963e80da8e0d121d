package dev.fraudscore.domain;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * A verdict on an earlier transaction: fraud or genuine, and on whose word ({@code source}: chargeback, analyst,
 * ...). {@code client}: the client whose transaction it is (transaction ids are unique per client), optional when
 * only one client used the id. The card, terminal and event time are needed only for a transaction the audit
 * trail does not hold; for one it holds they come from its audit row. {@code labelledBy}: the API client that sent
 * the verdict, set by the node, never by the caller.
 */
public record Label(
        String transactionId,
        boolean fraud,
        String source,
        String cardId,
        String terminalId,
        OffsetDateTime timestamp,
        String client,
        String labelledBy)
        implements Serializable {

    /** The same label, sent by {@code apiClient}. */
    public Label by(String apiClient) {
        return new Label(transactionId, fraud, source, cardId, terminalId, timestamp, client, apiClient);
    }

    /**
     * How much a source's word weighs: a verdict may be changed only by a source of the same or a higher rank, so
     * a confirmed chargeback is not withdrawn by an analyst's or a cardholder's label, nor those by an unnamed one.
     */
    public static int rank(String source) {
        return switch (source.toLowerCase(Locale.ROOT)) {
            case "chargeback" -> 3; // the issuer confirmed the fraud (or its reversal) through the card scheme
            case "analyst" -> 2; // a fraud analyst's reviewed verdict
            case "customer", "cardholder" -> 1; // the cardholder's own report
            default -> 0; // unspecified and anything else
        };
    }
}
