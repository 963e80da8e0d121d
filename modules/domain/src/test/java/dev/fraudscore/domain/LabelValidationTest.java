package dev.fraudscore.domain;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelValidationTest {
    private final TransactionValidator v =
            new TransactionValidator(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void minimalLabelNeedsOnlyIdAndVerdict() {
        Label l = v.parseLabel(Map.of("transactionId", "t-1", "fraud", true));
        assertTrue(l.fraud());
        assertEquals("unspecified", l.source());
        assertNull(l.cardId());
    }

    @Test
    void factsComeAllTogether() {
        Label l = v.parseLabel(Map.of(
                "transactionId",
                "t-1",
                "fraud",
                false,
                "source",
                "analyst",
                "cardId",
                "c",
                "terminalId",
                "t",
                "timestamp",
                "2026-11-01T10:00:00Z"));
        assertEquals("t", l.terminalId());
        ValidationException e = assertThrows(
                ValidationException.class,
                () -> v.parseLabel(Map.of("transactionId", "t-1", "fraud", true, "cardId", "c", "terminalId", "t")));
        assertEquals("timestamp", e.field());
        assertEquals("required_with", e.rule());
    }

    @Test
    void badLabelsNameTheFieldAndRule() {
        assertEquals(
                "required",
                assertThrows(ValidationException.class, () -> v.parseLabel(Map.of("transactionId", "t")))
                        .rule());
        assertEquals(
                "type_boolean",
                assertThrows(
                                ValidationException.class,
                                () -> v.parseLabel(Map.of("transactionId", "t", "fraud", "true")))
                        .rule());
        assertEquals(
                "source",
                assertThrows(
                                ValidationException.class,
                                () -> v.parseLabel(
                                        Map.of("transactionId", "t", "fraud", true, "source", "Charge Back")))
                        .field());
        assertEquals(
                "not_a_pan",
                assertThrows(
                                ValidationException.class,
                                () -> v.parseLabel(Map.of(
                                        "transactionId",
                                        "t",
                                        "fraud",
                                        true,
                                        "cardId",
                                        "4111111111111111",
                                        "terminalId",
                                        "x",
                                        "timestamp",
                                        "2026-11-01T10:00:00Z")))
                        .rule());
    }
}
